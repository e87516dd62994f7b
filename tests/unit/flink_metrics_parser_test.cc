#include "flink/flink_metrics_parser.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "flink/flink_jvm_metrics.h"
#include "flink/flink_vertex_metrics.h"
#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

FlinkAggregates Aggregates(const std::string& body) {
  auto r = ParseFlinkAggregatedMetrics(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : FlinkAggregates{};
}

FlinkVertex VertexFrom(const std::string& fixture) {
  FlinkVertex v;
  ApplyVertexAggregates(Aggregates(ReadFixture(fixture)), v);
  return v;
}

FlinkJvmMetrics JvmFrom(const std::string& body) {
  auto r = ParseFlinkMetricValues(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return JvmMetricsFrom(r.ok() ? *r : FlinkMetricValues{});
}

// --- ?get= values ---------------------------------------------------------------------------

TEST(FlinkMetricValuesTest, StringsNumbersAndBooleans) {
  auto v = ParseFlinkMetricValues(R"([
    {"id":"lastCheckpointSize","value":"2048"},
    {"id":"Status.JVM.CPU.Load","value":"0.25"},
    {"id":"isBackPressured","value":"true"},
    {"id":"idle","value":"false"},
    {"id":"asNumber","value":7.5},
    {"id":"asBool","value":true},
    {"id":"busyTimeMsPerSecond","value":"NaN"},
    {"id":"lastCheckpointExternalPath","value":"s3://bucket/chk-1"},
    {"id":"listedOnly"},
    {"id":"nullValue","value":null},
    {"value":"3"},
    "garbage"
  ])");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->size(), 6u);
  EXPECT_EQ(v->at("lastCheckpointSize"), 2048.0);
  EXPECT_EQ(v->at("Status.JVM.CPU.Load"), 0.25);
  EXPECT_EQ(v->at("isBackPressured"), 1.0);
  EXPECT_EQ(v->at("idle"), 0.0);
  EXPECT_EQ(v->at("asNumber"), 7.5);
  EXPECT_EQ(v->at("asBool"), 1.0);
  EXPECT_EQ(v->count("busyTimeMsPerSecond"), 0u) << "NaN is no value";
  EXPECT_EQ(v->count("lastCheckpointExternalPath"), 0u);
  EXPECT_EQ(v->count("listedOnly"), 0u);
}

TEST(FlinkMetricValuesTest, EmptyArrayIsFine) {
  auto v = ParseFlinkMetricValues("[]");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
}

TEST(FlinkMetricValuesTest, WrongShapesAreParseErrors) {
  // The OpenAPI spec models these responses as objects; the wire format is an array.
  for (const char* body : {"", R"([{"id":"a","value":"1"})", R"({"id":"a","value":"1"})",
                           "<html></html>", R"({"errors":["Metric not found"]})"}) {
    auto r = ParseFlinkMetricValues(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
}

// --- aggregated -----------------------------------------------------------------------------

TEST(FlinkAggregatedMetricsTest, Legacy14StringAggregates) {
  FlinkAggregates a = Aggregates(ReadFixture("flink/1.4/vertex_metrics_agg.json"));
  ASSERT_EQ(a.size(), 5u);
  EXPECT_OPT_DOUBLE(a.at("buffers.inPoolUsage").min, 0.1);
  EXPECT_OPT_DOUBLE(a.at("buffers.inPoolUsage").max, 0.3);
  EXPECT_OPT_DOUBLE(a.at("buffers.inPoolUsage").avg, 0.2);
  EXPECT_OPT_DOUBLE(a.at("buffers.inPoolUsage").sum, 0.4);
  EXPECT_OPT_DOUBLE(a.at("numRecordsIn").sum, 1203390.0);
}

TEST(FlinkAggregatedMetricsTest, NaNAndMissingAggregations) {
  auto a = ParseFlinkAggregatedMetrics(R"([
    {"id":"busyTimeMsPerSecond","min":"NaN","max":"NaN","avg":"NaN","sum":"NaN"},
    {"id":"partial","min":1,"max":34},
    {"id":"mixed","min":"NaN","max":950.0,"avg":569.0,"sum":1138.0,"skew":66.0},
    {"id":"text","min":"a","max":"b"},
    {"min":1}
  ])");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->count("busyTimeMsPerSecond"), 0u);
  EXPECT_EQ(a->count("text"), 0u);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_OPT_DOUBLE(a->at("partial").max, 34.0);
  EXPECT_FALSE(a->at("partial").avg.has_value());
  EXPECT_FALSE(a->at("partial").sum.has_value());
  EXPECT_FALSE(a->at("mixed").min.has_value());
  EXPECT_OPT_DOUBLE(a->at("mixed").max, 950.0);
}

TEST(FlinkAggregatedMetricsTest, WrongShapesAreParseErrors) {
  for (const char* body : {"", "[{", R"({"id":"a","min":1})", "<html></html>", "42"}) {
    auto r = ParseFlinkAggregatedMetrics(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
}

// --- vertex metrics -------------------------------------------------------------------------

TEST(FlinkVertexMetricsTest, QueryAsksForEveryVersionsNamesWithoutSkew) {
  EXPECT_EQ(VertexMetricsQuery(),
            "?get=backPressuredTimeMsPerSecond,busyTimeMsPerSecond,idleTimeMsPerSecond,"
            "Shuffle.Netty.Output.Buffers.outPoolUsage,"
            "Shuffle.Netty.Input.Buffers.inPoolUsage,buffers.outPoolUsage,buffers.inPoolUsage,"
            "numRecordsIn,numRecordsOut,currentInputWatermark,currentLowWatermark"
            "&agg=min,max,avg,sum");
  EXPECT_EQ(VertexMetricsQuery().find("skew"), std::string::npos);
}

TEST(FlinkVertexMetricsTest, Legacy14) {
  FlinkVertex v = VertexFrom("flink/1.4/vertex_metrics_agg.json");
  EXPECT_FALSE(v.backpressured_ratio.max.has_value());
  EXPECT_FALSE(v.busy_ratio.max.has_value());
  EXPECT_FALSE(v.idle_ratio.max.has_value());
  EXPECT_FALSE(v.backpressure_level.has_value());
  EXPECT_OPT_DOUBLE(v.out_pool_usage.max, 1.0) << "from buffers.*";
  EXPECT_OPT_DOUBLE(v.out_pool_usage.avg, 0.95);
  EXPECT_OPT_DOUBLE(v.in_pool_usage.max, 0.3);
  EXPECT_OPT_DOUBLE(v.records_in, 1203390.0);
  EXPECT_OPT_DOUBLE(v.records_out, 48211.0);
  EXPECT_OPT_DOUBLE(v.watermark_seconds, 1519900740.0) << "currentLowWatermark";
}

TEST(FlinkVertexMetricsTest, V19) {
  FlinkVertex v = VertexFrom("flink/1.9/vertex_metrics_agg.json");
  EXPECT_FALSE(v.backpressured_ratio.max.has_value());
  EXPECT_FALSE(v.backpressure_level.has_value());
  EXPECT_OPT_DOUBLE(v.out_pool_usage.max, 0.1);
  EXPECT_OPT_DOUBLE(v.out_pool_usage.avg, 0.025);
  EXPECT_OPT_DOUBLE(v.in_pool_usage.max, 1.0);
  EXPECT_OPT_DOUBLE(v.in_pool_usage.avg, 0.85);
  EXPECT_OPT_DOUBLE(v.records_in, 12010877.0);
  EXPECT_OPT_DOUBLE(v.records_out, 8731.0);
  EXPECT_OPT_DOUBLE(v.watermark_seconds, 1568043195.0);
}

TEST(FlinkVertexMetricsTest, V113RatiosAndLongMinWatermark) {
  FlinkVertex v = VertexFrom("flink/1.13/vertex_metrics_agg.json");
  EXPECT_OPT_DOUBLE(v.backpressured_ratio.max, 0.134);
  EXPECT_OPT_DOUBLE(v.backpressured_ratio.avg, 0.041375);
  EXPECT_OPT_DOUBLE(v.busy_ratio.max, 0.866);
  EXPECT_OPT_DOUBLE(v.busy_ratio.avg, 0.70125);
  EXPECT_OPT_DOUBLE(v.idle_ratio.max, 0.354);
  EXPECT_OPT_DOUBLE(v.idle_ratio.avg, 0.257375);
  ASSERT_TRUE(v.backpressure_level.has_value());
  EXPECT_EQ(*v.backpressure_level, FlinkBackpressureLevel::kLow);
  EXPECT_OPT_DOUBLE(v.out_pool_usage.max, 0.4);
  EXPECT_OPT_DOUBLE(v.in_pool_usage.avg, 0.8125);
  EXPECT_OPT_DOUBLE(v.records_in, 51233100.0);
  EXPECT_OPT_DOUBLE(v.records_out, 51230987.0);
  EXPECT_FALSE(v.watermark_seconds.has_value()) << "a subtask has no watermark yet";
}

TEST(FlinkVertexMetricsTest, V113SourceWithNaNBusyTime) {
  FlinkVertex v = VertexFrom("flink/1.13/vertex_metrics_agg_source.json");
  EXPECT_FALSE(v.busy_ratio.max.has_value());
  EXPECT_FALSE(v.busy_ratio.avg.has_value());
  EXPECT_OPT_DOUBLE(v.backpressured_ratio.max, 0.874);
  ASSERT_TRUE(v.backpressure_level.has_value());
  EXPECT_EQ(*v.backpressure_level, FlinkBackpressureLevel::kHigh);
  EXPECT_OPT_DOUBLE(v.idle_ratio.avg, 0.003);
  EXPECT_OPT_DOUBLE(v.out_pool_usage.max, 1.0);
  EXPECT_FALSE(v.in_pool_usage.max.has_value()) << "a source has no input";
  EXPECT_OPT_DOUBLE(v.records_in, 0.0);
  EXPECT_OPT_DOUBLE(v.records_out, 51234001.0);
  EXPECT_FALSE(v.watermark_seconds.has_value());
}

TEST(FlinkVertexMetricsTest, V118AndV20) {
  FlinkVertex v118 = VertexFrom("flink/1.18/vertex_metrics_agg.json");
  EXPECT_OPT_DOUBLE(v118.backpressured_ratio.max, 0.0);
  ASSERT_TRUE(v118.backpressure_level.has_value());
  EXPECT_EQ(*v118.backpressure_level, FlinkBackpressureLevel::kOk);
  EXPECT_OPT_DOUBLE(v118.busy_ratio.max, 0.733);
  EXPECT_OPT_DOUBLE(v118.busy_ratio.avg, 0.5615);
  EXPECT_OPT_DOUBLE(v118.watermark_seconds, 1701089994.0);

  FlinkVertex v20 = VertexFrom("flink/2.0/vertex_metrics_agg.json");
  EXPECT_OPT_DOUBLE(v20.backpressured_ratio.max, 0.722);
  EXPECT_OPT_DOUBLE(v20.backpressured_ratio.avg, 0.588);
  EXPECT_EQ(v20.backpressure_level, std::optional(FlinkBackpressureLevel::kHigh));
  EXPECT_OPT_DOUBLE(v20.busy_ratio.max, 0.571);
  EXPECT_OPT_DOUBLE(v20.idle_ratio.max, 0.039);
  EXPECT_OPT_DOUBLE(v20.out_pool_usage.max, 1.1) << "overdraft buffers can exceed 1";
  EXPECT_OPT_DOUBLE(v20.in_pool_usage.avg, 0.9);
  EXPECT_OPT_DOUBLE(v20.records_in, 30122009.0);
  EXPECT_OPT_DOUBLE(v20.watermark_seconds, 1744114970.0);
}

TEST(FlinkVertexMetricsTest, PrefersShuffleNettyPoolUsage) {
  FlinkVertex v;
  ApplyVertexAggregates(Aggregates(R"([
    {"id":"Shuffle.Netty.Output.Buffers.outPoolUsage","min":0.1,"max":0.3,"avg":0.2,"sum":0.4},
    {"id":"buffers.outPoolUsage","min":0.5,"max":0.9,"avg":0.7,"sum":1.4},
    {"id":"buffers.inPoolUsage","min":0.5,"max":0.6,"avg":0.55,"sum":1.1}
  ])"), v);
  EXPECT_OPT_DOUBLE(v.out_pool_usage.max, 0.3);
  EXPECT_OPT_DOUBLE(v.out_pool_usage.avg, 0.2);
  EXPECT_OPT_DOUBLE(v.in_pool_usage.max, 0.6) << "old name when the new one is missing";
}

TEST(FlinkVertexMetricsTest, IdleOnlyGivesNoLevel) {
  FlinkVertex v;
  ApplyVertexAggregates(Aggregates(R"([
    {"id":"idleTimeMsPerSecond","min":0.0,"max":250.0,"avg":125.0,"sum":250.0}
  ])"), v);
  EXPECT_OPT_DOUBLE(v.idle_ratio.max, 0.25);
  EXPECT_OPT_DOUBLE(v.idle_ratio.avg, 0.125);
  EXPECT_FALSE(v.backpressured_ratio.max.has_value());
  EXPECT_FALSE(v.backpressure_level.has_value()) << "a level needs the back-pressured ratio";
}

TEST(FlinkVertexMetricsTest, WatermarkBounds) {
  auto watermark = [](const char* body) {
    FlinkVertex v;
    ApplyVertexAggregates(Aggregates(body), v);
    return v.watermark_seconds;
  };
  // Long.MAX_VALUE: every input ended.
  EXPECT_FALSE(watermark(R"([{"id":"currentInputWatermark","min":9.223372036854776E18,"max":9.223372036854776E18}])"));
  EXPECT_FALSE(watermark(R"([{"id":"currentInputWatermark","min":"-9223372036854775808","max":"0"}])"));
  EXPECT_FALSE(watermark("[]"));
  EXPECT_OPT_DOUBLE(watermark(R"([{"id":"currentInputWatermark","min":1700000000500,"max":1700000009000}])"),
                    1700000000.5);
  // The current name wins over the 1.4 one; the 1.4 one fills in when only it is there.
  EXPECT_OPT_DOUBLE(watermark(R"([{"id":"currentInputWatermark","min":2000,"max":2000},
                                  {"id":"currentLowWatermark","min":1000,"max":1000}])"),
                    2.0);
  EXPECT_OPT_DOUBLE(watermark(R"([{"id":"currentInputWatermark","max":2000},
                                  {"id":"currentLowWatermark","min":1000,"max":1000}])"),
                    1.0);
}

TEST(FlinkVertexMetricsTest, AbsentMetricsLeaveFieldsAlone) {
  FlinkVertex v;
  v.backpressure_level = FlinkBackpressureLevel::kHigh;  // e.g. from the sampling endpoint
  ApplyVertexAggregates(FlinkAggregates{}, v);
  EXPECT_EQ(v.backpressure_level, std::optional(FlinkBackpressureLevel::kHigh));
  EXPECT_FALSE(v.records_in.has_value());
  EXPECT_FALSE(v.out_pool_usage.max.has_value());
  EXPECT_FALSE(v.watermark_seconds.has_value());
}

// --- JVM metrics ----------------------------------------------------------------------------

TEST(FlinkJvmMetricsTest, QueryNamesHeapCpuAndEveryCollector) {
  const std::string& q = JvmMetricsQuery();
  EXPECT_EQ(q.rfind("?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,"
                    "Status.JVM.CPU.Load,",
                    0),
            0u);
  for (const char* gc : {"G1_Young_Generation", "G1_Old_Generation", "G1_Concurrent_GC",
                         "PS_Scavenge", "PS_MarkSweep", "Copy", "MarkSweepCompact", "ParNew",
                         "ConcurrentMarkSweep", "ZGC", "ZGC_Cycles", "ZGC_Pauses",
                         "ZGC_Minor_Cycles", "ZGC_Major_Cycles", "Shenandoah_Cycles",
                         "Shenandoah_Pauses"}) {
    const std::string name = std::string("Status.JVM.GarbageCollector.") + gc;
    EXPECT_NE(q.find(name + ".Count,"), std::string::npos) << gc;
    EXPECT_NE(q.find(name + ".Time"), std::string::npos) << gc;
  }
  EXPECT_EQ(std::count(q.begin(), q.end(), ','), 3 + 16 * 2 - 1);
  EXPECT_EQ(q.find('&'), std::string::npos) << "plain ?get=, no aggregation";
  EXPECT_EQ(q.back(), 'e') << "ends with the last .Time";
}

TEST(FlinkJvmMetricsTest, Legacy14ParallelCollector) {
  FlinkJvmMetrics jvm = JvmFrom(ReadFixture("flink/1.4/jm_metrics.json"));
  EXPECT_OPT_DOUBLE(jvm.heap_used_bytes, 312475648.0);
  EXPECT_OPT_DOUBLE(jvm.heap_max_bytes, 1037959168.0);
  EXPECT_OPT_DOUBLE(jvm.cpu_load, 0.0123);
  ASSERT_EQ(jvm.gc.size(), 2u);
  EXPECT_EQ(jvm.gc[0].name, "PS_MarkSweep");
  EXPECT_DOUBLE_EQ(jvm.gc[0].collections, 3.0);
  EXPECT_DOUBLE_EQ(jvm.gc[0].time_seconds, 0.412);
  EXPECT_EQ(jvm.gc[1].name, "PS_Scavenge");
  EXPECT_DOUBLE_EQ(jvm.gc[1].collections, 143.0);
  EXPECT_DOUBLE_EQ(jvm.gc[1].time_seconds, 2.871);
}

TEST(FlinkJvmMetricsTest, FixturesOfLaterVersions) {
  FlinkJvmMetrics tm118 = JvmFrom(ReadFixture("flink/1.18/tm_metrics.json"));
  ASSERT_EQ(tm118.gc.size(), 3u);
  EXPECT_EQ(tm118.gc[0].name, "G1_Concurrent_GC");
  EXPECT_EQ(tm118.gc[1].name, "G1_Old_Generation");
  EXPECT_EQ(tm118.gc[2].name, "G1_Young_Generation");
  EXPECT_DOUBLE_EQ(tm118.gc[2].time_seconds, 601.233);

  FlinkJvmMetrics tm20 = JvmFrom(ReadFixture("flink/2.0/tm_metrics.json"));
  EXPECT_OPT_DOUBLE(tm20.heap_used_bytes, 430964736.0);
  EXPECT_OPT_DOUBLE(tm20.cpu_load, 0.6632);
  ASSERT_EQ(tm20.gc.size(), 2u);
  EXPECT_EQ(tm20.gc[0].name, "ZGC_Major_Cycles");
  EXPECT_DOUBLE_EQ(tm20.gc[0].collections, 41.0);
  EXPECT_DOUBLE_EQ(tm20.gc[0].time_seconds, 88.123);
  EXPECT_EQ(tm20.gc[1].name, "ZGC_Minor_Cycles");
}

TEST(FlinkJvmMetricsTest, AnyCollectorNameAndHalfReportedCollectors) {
  FlinkJvmMetrics jvm = JvmFrom(R"([
    {"id":"Status.JVM.GarbageCollector.ZGC_Minor_Pauses.Count","value":"12"},
    {"id":"Status.JVM.GarbageCollector.Epsilon.Time","value":"1500"},
    {"id":"Status.JVM.GarbageCollector.All.Count","value":"99"},
    {"id":"Status.JVM.GarbageCollector.G1_Young_Generation.TimeMsPerSecond","value":"3"},
    {"id":"Status.JVM.GarbageCollector..Count","value":"1"},
    {"id":"Status.JVM.Memory.Heap.Committed","value":"1024"}
  ])");
  EXPECT_FALSE(jvm.heap_used_bytes.has_value());
  EXPECT_FALSE(jvm.heap_max_bytes.has_value());
  EXPECT_FALSE(jvm.cpu_load.has_value());
  ASSERT_EQ(jvm.gc.size(), 2u);
  EXPECT_EQ(jvm.gc[0].name, "Epsilon");
  EXPECT_DOUBLE_EQ(jvm.gc[0].collections, 0.0);
  EXPECT_DOUBLE_EQ(jvm.gc[0].time_seconds, 1.5);
  EXPECT_EQ(jvm.gc[1].name, "ZGC_Minor_Pauses");
  EXPECT_DOUBLE_EQ(jvm.gc[1].collections, 12.0);
  EXPECT_DOUBLE_EQ(jvm.gc[1].time_seconds, 0.0);
}

TEST(FlinkJvmMetricsTest, NothingReported) {
  FlinkJvmMetrics jvm = JvmMetricsFrom(FlinkMetricValues{});
  EXPECT_FALSE(jvm.heap_used_bytes.has_value());
  EXPECT_TRUE(jvm.gc.empty());
}

}  // namespace
}  // namespace fme
