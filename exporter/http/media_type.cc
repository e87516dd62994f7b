#include "http/media_type.h"

#include <string>

namespace fme {

bool IsJsonMediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto first = type.find_first_not_of(" \t");
  if (first == std::string::npos) return true;
  type = type.substr(first, type.find_last_not_of(" \t") + 1 - first);
  constexpr std::string_view kJsonSuffix = "+json";
  return type == "application/json" || type == "text/json" ||
         (type.size() > kJsonSuffix.size() && type.ends_with(kJsonSuffix));
}

}  // namespace fme
