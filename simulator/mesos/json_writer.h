// A minimal streaming JSON writer for the simulated Mesos endpoints. /master/state, GET_STATE and
// SUBSCRIBED snapshots of large worlds (100k tasks) are written straight into one string instead
// of building a DOM first, which keeps the time the engine lock is held short.
//
// Commas are inserted automatically; keys must be followed by exactly one value. Doubles use the
// shortest round-trip form and always carry a fraction or exponent ("2.0"), like Mesos' writer;
// non-finite doubles become null. Integers are written exactly (int64 TimeInfo nanoseconds).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fme::sim::mesos {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(256); }

  JsonWriter& BeginObject() {
    Separator();
    out_.push_back('{');
    first_.push_back(true);
    return *this;
  }
  JsonWriter& EndObject() {
    out_.push_back('}');
    first_.pop_back();
    return *this;
  }
  JsonWriter& BeginArray() {
    Separator();
    out_.push_back('[');
    first_.push_back(true);
    return *this;
  }
  JsonWriter& EndArray() {
    out_.push_back(']');
    first_.pop_back();
    return *this;
  }
  JsonWriter& Key(std::string_view key) {
    if (!first_.empty()) {
      if (!first_.back()) out_.push_back(',');
      first_.back() = false;
    }
    Quote(key);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }

  JsonWriter& String(std::string_view s) {
    Separator();
    Quote(s);
    return *this;
  }
  JsonWriter& Int(int64_t v) {
    Separator();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out_.append(buf, res.ptr);
    return *this;
  }
  JsonWriter& Double(double v) {
    Separator();
    if (!std::isfinite(v)) {
      out_ += "null";
      return *this;
    }
    char buf[40];
    const auto res = std::to_chars(buf, buf + sizeof(buf), v);
    const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
    out_ += text;
    if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
    return *this;
  }
  JsonWriter& Bool(bool v) {
    Separator();
    out_ += v ? "true" : "false";
    return *this;
  }
  // Already serialized JSON (one value).
  JsonWriter& Raw(std::string_view json) {
    Separator();
    out_ += json;
    return *this;
  }

  // Key + value shorthands (distinct names: no surprising const char* -> bool conversions).
  JsonWriter& FieldStr(std::string_view key, std::string_view v) { return Key(key).String(v); }
  JsonWriter& FieldInt(std::string_view key, int64_t v) { return Key(key).Int(v); }
  JsonWriter& FieldDouble(std::string_view key, double v) { return Key(key).Double(v); }
  JsonWriter& FieldBool(std::string_view key, bool v) { return Key(key).Bool(v); }
  JsonWriter& FieldEmptyArray(std::string_view key) { return Key(key).BeginArray().EndArray(); }
  JsonWriter& FieldEmptyObject(std::string_view key) { return Key(key).BeginObject().EndObject(); }
  // {"value": v}: protobuf ids (FrameworkID, AgentID, TaskID, ...).
  JsonWriter& FieldId(std::string_view key, std::string_view v) {
    return Key(key).BeginObject().FieldStr("value", v).EndObject();
  }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }

  void Quote(std::string_view s) {
    out_.push_back('"');
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            static const char* kHex = "0123456789abcdef";
            out_ += "\\u00";
            out_.push_back(kHex[c >> 4]);
            out_.push_back(kHex[c & 0xf]);
          } else {
            out_.push_back(ch);
          }
      }
    }
    out_.push_back('"');
  }

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace fme::sim::mesos
