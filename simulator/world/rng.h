// A small deterministic random number generator (SplitMix64-seeded xoshiro256**). The standard
// distributions are implementation-defined, so the simulator draws through these helpers only:
// the same seed gives the same world on every platform and standard library.
// Not thread-safe; owned by the engine and used under its lock.
#pragma once

#include <cstdint>
#include <string>

namespace fme::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) s = SplitMix(x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  int64_t Int(int64_t lo, int64_t hi) {
    const auto span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(span == 0 ? Next() : Next() % span);
  }
  bool Chance(double p) { return Uniform() < p; }

  // `digits` lower-case hex digits.
  std::string Hex(int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(static_cast<std::size_t>(digits));
    uint64_t bits = 0;
    int left = 0;
    for (int i = 0; i < digits; ++i) {
      if (left == 0) {
        bits = Next();
        left = 16;
      }
      out.push_back(kHex[bits & 0xf]);
      bits >>= 4;
      --left;
    }
    return out;
  }

  // 8-4-4-4-12 UUID text (version 4 layout).
  std::string Uuid() {
    std::string h = Hex(32);
    h[12] = '4';
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
  }

  // 16 random bytes in base64 (the shape of Mesos' status uuids).
  std::string Base64Uuid() {
    static constexpr char kB64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint64_t a = Next(), b = Next();
    for (int i = 0; i < 21; ++i) {
      uint64_t& src = i < 10 ? a : b;
      out.push_back(kB64[src & 63]);
      src >>= 6;
    }
    out.push_back(kB64[(b & 3) << 4]);
    out += "==";
    return out;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace fme::sim
