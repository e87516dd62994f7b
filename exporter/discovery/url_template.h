// URL templates of discovered Flink clusters: where to reach a JobManager found through its
// Mesos framework, e.g. "{webui_url}" (the default: Flink registers its REST URL there) or
// "https://dcos.example.com/service/{framework_name}" (through DC/OS Admin Router).
//
// Placeholders: {webui_url}, {framework_id}, {framework_name}, {mesos_cluster}. Values are
// inserted verbatim; the result must be an absolute http(s) URL without credentials.
#pragma once

#include <string>
#include <string_view>

#include "fme/status.h"

namespace fme {

struct UrlTemplateValues {
  std::string_view webui_url;
  std::string_view framework_id;
  std::string_view framework_name;
  std::string_view mesos_cluster;
};

// Checks a template at configuration time: known placeholders, balanced braces, and that it
// yields a valid URL for typical values. On failure *problem says why.
bool CheckUrlTemplate(std::string_view tmpl, std::string* problem);

// Fills a template in and returns the URL with one trailing slash removed. Fails with
// kInvalidArgument when a needed value is empty or the result is no usable URL.
Result<std::string> ExpandUrlTemplate(std::string_view tmpl, const UrlTemplateValues& values);

}  // namespace fme
