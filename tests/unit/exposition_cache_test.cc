#include "exposition/exposition_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_clock.h"

namespace fme {
namespace {

class ExpositionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { store.SetTargets({{SourceKind::kFlink, "jm", "http://jm:8081"}}); }

  // Publishes a poll of the one target, up or down: the two give different bodies.
  void Publish(bool up) {
    TargetState st;
    st.target = {SourceKind::kFlink, "jm", "http://jm:8081"};
    st.polled = true;
    st.up = up;
    st.last_error = up ? "" : "connect: refused";
    if (up) st.observation = FlinkObservation{};
    store.Update(st);
  }

  testing::FakeClock clock;
  SnapshotStore store{clock};
  SelfMetrics self{clock, "1.0.0", "abc"};
  ExpositionCache cache{store, self};
};

TEST_F(ExpositionCacheTest, RenderPublishesTheStoresSnapshot) {
  Publish(true);
  cache.RenderNow();
  std::shared_ptr<const Rendered> r = cache.Current();
  EXPECT_EQ(r->generation, store.Current()->generation);
  EXPECT_NE(r->text.find("flink_up{flink_cluster=\"jm\"} 1\n"), std::string::npos);
  EXPECT_EQ(r->gzip.size, r->text.size());
}

TEST_F(ExpositionCacheTest, ReleasedRenderingIsWrittenIntoByTheNextRender) {
  Publish(true);
  cache.RenderNow();
  cache.RenderNow();
  cache.RenderNow();  // both buffers have grown to the body's size by now
  const Rendered* first = cache.Current().get();
  const char* first_buffer = cache.Current()->text.data();
  cache.RenderNow();  // `first` is replaced and, held by no one, goes back to the pool
  EXPECT_NE(cache.Current().get(), first);
  EXPECT_EQ(cache.SpareCount(), 1u);
  cache.RenderNow();
  EXPECT_EQ(cache.Current().get(), first);
  EXPECT_EQ(cache.Current()->text.data(), first_buffer);  // the buffer itself, not a copy
}

TEST_F(ExpositionCacheTest, RenderingHeldByAScrapeIsNotReusedUntilReleased) {
  Publish(true);
  cache.RenderNow();
  cache.RenderNow();  // fills the pool: one spare, the rendering before this one
  ASSERT_EQ(cache.SpareCount(), 1u);
  std::shared_ptr<const Rendered> scrape = cache.Current();
  const Rendered* held = scrape.get();
  const std::string sent = scrape->text;
  const uint64_t generation = scrape->generation;

  Publish(false);
  cache.RenderNow();  // takes the spare; the held rendering does not return to the pool
  EXPECT_NE(cache.Current().get(), held);
  EXPECT_EQ(cache.SpareCount(), 0u);
  EXPECT_EQ(scrape->text, sent);
  EXPECT_EQ(scrape->generation, generation);
  EXPECT_NE(cache.Current()->text, sent);

  scrape.reset();  // the scrape ends: its rendering is the spare now
  EXPECT_EQ(cache.SpareCount(), 1u);
  Publish(true);
  cache.RenderNow();
  EXPECT_EQ(cache.Current().get(), held);
  EXPECT_EQ(cache.Current()->generation, store.Current()->generation);
  EXPECT_GT(cache.Current()->generation, generation);
}

TEST_F(ExpositionCacheTest, HeldRenderingSurvivesManyRendersUnchanged) {
  Publish(true);
  cache.RenderNow();
  std::shared_ptr<const Rendered> scrape = cache.Current();
  const std::string sent = scrape->text;
  for (int i = 0; i < 6; ++i) {
    Publish(i % 2 == 0 ? false : true);
    cache.RenderNow();
    EXPECT_NE(cache.Current().get(), scrape.get());
    EXPECT_LE(cache.SpareCount(), 1u);
  }
  EXPECT_EQ(scrape->text, sent);
}

// Scrapes read bodies while renders recycle buffers. Every body read must be one of the two
// complete documents; under ThreadSanitizer this test also proves the hand-over is ordered.
TEST_F(ExpositionCacheTest, ConcurrentScrapesOnlyEverSeeWholeBodies) {
  Publish(true);
  cache.RenderNow();
  const std::string up = cache.Current()->text;
  Publish(false);
  cache.RenderNow();
  const std::string down = cache.Current()->text;
  ASSERT_NE(up, down);

  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 2; ++t) {
    scrapers.emplace_back([&] {
      while (!done.load()) {
        std::shared_ptr<const Rendered> body = cache.Current();
        std::string copy = body->text;  // what a scrape sends
        if (copy != up && copy != down) torn.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    Publish(i % 2 == 0);
    cache.RenderNow();
  }
  while (reads.load() < 100) std::this_thread::yield();
  done.store(true);
  for (auto& s : scrapers) s.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_LE(cache.SpareCount(), 1u);
}

}  // namespace
}  // namespace fme
