#include "fme/source.h"

namespace fme {

std::string_view SourceKindName(SourceKind kind) {
  return kind == SourceKind::kFlink ? "flink" : "mesos";
}

}  // namespace fme
