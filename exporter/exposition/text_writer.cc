#include "exposition/text_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace fme {
namespace {

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kGauge: return "gauge";
    case MetricType::kCounter: return "counter";
    case MetricType::kUntyped: return "untyped";
  }
  return "untyped";
}

}  // namespace

void TextWriter::Family(std::string_view name, std::string_view help, MetricType type) {
  name_ = name;
  help_ = help;
  type_ = type;
  header_written_ = false;
}

void TextWriter::WriteHeaderIfNeeded() {
  if (header_written_) return;
  header_written_ = true;
  out_ += "# HELP ";
  out_ += name_;
  out_ += ' ';
  AppendHelp(out_, help_);
  out_ += "\n# TYPE ";
  out_ += name_;
  out_ += ' ';
  out_ += TypeName(type_);
  out_ += '\n';
}

void TextWriter::Sample(std::initializer_list<Label> labels, double value) {
  Sample(labels, {}, value);
}

void TextWriter::Sample(std::initializer_list<Label> identity, std::initializer_list<Label> labels,
                        double value) {
  WriteSample({identity.begin(), identity.size()}, {labels.begin(), labels.size()}, value);
}

void TextWriter::Sample(std::span<const Label> labels, double value) {
  WriteSample(labels, {}, value);
}

void TextWriter::WriteSample(std::span<const Label> identity, std::span<const Label> labels,
                             double value) {
  WriteHeaderIfNeeded();
  ++samples_;
  out_ += name_;
  AppendLabels(identity, labels);
  out_ += ' ';
  AppendValue(out_, value);
  out_ += '\n';
}

void TextWriter::AppendLabels(std::span<const Label> a, std::span<const Label> b) {
  if (a.size() + b.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (std::span<const Label> list : {a, b}) {
    for (const auto& [key, value] : list) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      AppendLabelValue(out_, value);
      out_ += '"';
    }
  }
  out_ += '}';
}

void TextWriter::AppendLabelValue(std::string& out, std::string_view value) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(value.data() + start, i - start);
    out += c == '\n' ? "\\n" : (c == '"' ? "\\\"" : "\\\\");
    start = i + 1;
  }
  out.append(value.data() + start, value.size() - start);
}

void TextWriter::AppendHelp(std::string& out, std::string_view help) {
  // In HELP only `\\` and `\n` are escapes; a raw newline would end the line, and a lone
  // backslash followed by another character is an invalid escape for Prometheus' parser.
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n' || c == '\r') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void TextWriter::AppendValue(std::string& out, double value) {
  char buf[32];
  out.append(buf, WriteValue(buf, value));
}

char* TextWriter::WriteValue(char* out, double value) {
  if (std::isnan(value)) {
    std::memcpy(out, "NaN", 3);
    return out + 3;
  }
  if (std::isinf(value)) {
    std::memcpy(out, value > 0 ? "+Inf" : "-Inf", 4);
    return out + 4;
  }
  // Integral values within the exact range print without exponent or fraction: the common case.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_chars(out, out + 32, static_cast<int64_t>(value)).ptr;
  }
  return std::to_chars(out, out + 32, value).ptr;  // shortest round-trip form
}

}  // namespace fme
