#include "discovery/url_template.h"

#include "http/url.h"

namespace fme {
namespace {

// Replaces every placeholder; fails on an unknown one, an unclosed brace or an empty value.
bool Substitute(std::string_view tmpl, const UrlTemplateValues& v, std::string* out,
                std::string* problem) {
  out->clear();
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const char c = tmpl[i];
    if (c == '}') {
      *problem = "unbalanced '}' in the URL template";
      return false;
    }
    if (c != '{') {
      out->push_back(c);
      ++i;
      continue;
    }
    const std::size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) {
      *problem = "unclosed '{' in the URL template";
      return false;
    }
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    std::string_view value;
    if (name == "webui_url") {
      value = v.webui_url;
    } else if (name == "framework_id") {
      value = v.framework_id;
    } else if (name == "framework_name") {
      value = v.framework_name;
    } else if (name == "mesos_cluster") {
      value = v.mesos_cluster;
    } else {
      *problem = "unknown placeholder {" + std::string(name) +
                 "} (known: {webui_url}, {framework_id}, {framework_name}, {mesos_cluster})";
      return false;
    }
    if (value.empty()) {
      *problem = "the framework has no " + std::string(name);
      return false;
    }
    // A web UI URL registered with a trailing slash would otherwise give "//" before a path.
    if (name == "webui_url" && value.back() == '/') value.remove_suffix(1);
    out->append(value);
    i = close + 1;
  }
  return true;
}

}  // namespace

bool CheckUrlTemplate(std::string_view tmpl, std::string* problem) {
  const UrlTemplateValues sample{"http://10.0.0.1:31000", "0c5e6a1b-0000-0000-0000-000000000000-0001",
                                 "flink", "prod"};
  Result<std::string> url = ExpandUrlTemplate(tmpl, sample);
  if (url.ok()) return true;
  *problem = url.status().message();
  return false;
}

Result<std::string> ExpandUrlTemplate(std::string_view tmpl, const UrlTemplateValues& values) {
  std::string text, problem;
  if (!Substitute(tmpl, values, &text, &problem)) return Status::InvalidArgument(problem);
  Result<Url> url = ParseUrl(text);
  if (!url.ok()) {
    return Status::InvalidArgument("the URL template does not give a valid URL: " +
                                   url.status().message());
  }
  if (url->username || url->password) {
    return Status::InvalidArgument("the URL must not carry credentials (use basic_auth)");
  }
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace fme
