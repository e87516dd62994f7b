#include "mesos/json_array_stream_parser.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace fme::json {
namespace {

using Json = nlohmann::json;

// Builds a DOM from SAX events the way nlohmann's own DOM parser does (a repeated member
// overwrites the earlier one).
class DomBuilder {
 public:
  template <typename V>
  void Value(V&& v) {
    Place(std::forward<V>(v));
  }
  void StartObject() { open_.push_back(Place(Json::value_t::object)); }
  void StartArray() { open_.push_back(Place(Json::value_t::array)); }
  void Key(const std::string& key) { member_ = &open_.back()->get_ref<Json::object_t&>()[key]; }
  void End() { open_.pop_back(); }
  Json& root() { return root_; }

 private:
  template <typename V>
  Json* Place(V&& v) {
    if (open_.empty()) {
      root_ = Json(std::forward<V>(v));
      return &root_;
    }
    Json& container = *open_.back();
    if (container.is_array()) {
      auto& elements = container.get_ref<Json::array_t&>();
      elements.emplace_back(std::forward<V>(v));
      return &elements.back();
    }
    *member_ = Json(std::forward<V>(v));
    return member_;
  }

  Json root_;
  std::vector<Json*> open_;  // the containers being filled, innermost last
  Json* member_ = nullptr;   // the object member the next value goes to
};

// The SAX handler (nlohmann's interface): the document goes to `doc_`, the elements of a
// streamed array one by one to `element_`.
class Handler {
 public:
  explicit Handler(const std::vector<StreamedArray>& arrays) : arrays_(arrays) {
    for (const StreamedArray& a : arrays_) max_path_ = std::max(max_path_, a.path.size());
  }

  bool null() { return Value(nullptr); }
  bool boolean(bool v) { return Value(v); }
  bool number_integer(Json::number_integer_t v) { return Value(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return Value(v); }
  bool number_float(Json::number_float_t v, const std::string& /*text*/) { return Value(v); }
  bool string(std::string& v) { return Value(v); }
  bool binary(Json::binary_t& v) { return Value(std::move(v)); }

  bool start_object(std::size_t /*size*/) {
    if (streaming_ != nullptr) {
      element_.StartObject();
      ++element_depth_;
      return true;
    }
    doc_.StartObject();
    frames_.push_back(Frame{true, {}});
    return true;
  }

  bool key(std::string& k) {
    if (streaming_ != nullptr) {
      element_.Key(k);
      return true;
    }
    doc_.Key(k);
    // Only members at the depth of a path are ever compared.
    if (frames_.size() <= max_path_) {
      frames_.back().key = k;
      for (const StreamedArray& a : arrays_) {
        if (OnPath(a, frames_.size())) a.on_reset();
      }
    }
    return true;
  }

  bool end_object() {
    if (streaming_ != nullptr) return EndInElement();
    doc_.End();
    frames_.pop_back();
    return true;
  }

  bool start_array(std::size_t /*size*/) {
    if (streaming_ != nullptr) {
      element_.StartArray();
      ++element_depth_;
      return true;
    }
    doc_.StartArray();
    if (frames_.size() <= max_path_) {
      for (const StreamedArray& a : arrays_) {
        if (a.path.size() == frames_.size() && OnPath(a, frames_.size())) streaming_ = &a;
      }
    }
    frames_.push_back(Frame{false, {}});
    return true;
  }

  bool end_array() {
    if (streaming_ != nullptr && element_depth_ > 0) return EndInElement();
    streaming_ = nullptr;  // the streamed array (if it was one) ends here
    doc_.End();
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::json::exception& /*error*/) {
    return false;
  }

  Json Take() { return std::move(doc_.root()); }

 private:
  struct Frame {
    bool object;
    std::string key;  // the current member; kept only up to the longest path's depth
  };

  // True when the innermost `depth` frames are objects whose current members are the first
  // `depth` names of the array's path.
  bool OnPath(const StreamedArray& a, std::size_t depth) const {
    if (a.path.size() < depth) return false;
    for (std::size_t i = 0; i < depth; ++i) {
      if (!frames_[i].object || frames_[i].key != a.path[i]) return false;
    }
    return true;
  }

  template <typename V>
  bool Value(V&& v) {
    if (streaming_ == nullptr) {
      doc_.Value(std::forward<V>(v));
      return true;
    }
    element_.Value(std::forward<V>(v));
    if (element_depth_ == 0) FinishElement();  // a scalar element
    return true;
  }

  bool EndInElement() {
    element_.End();
    if (--element_depth_ == 0) FinishElement();
    return true;
  }

  void FinishElement() {
    streaming_->on_element(element_.root());
    element_.root() = Json();
  }

  const std::vector<StreamedArray>& arrays_;
  std::size_t max_path_ = 0;
  DomBuilder doc_;
  std::vector<Frame> frames_;  // the document's open containers, outermost first
  const StreamedArray* streaming_ = nullptr;  // the array whose elements are being read
  DomBuilder element_;
  std::size_t element_depth_ = 0;  // containers open inside the current element
};

}  // namespace

Result<nlohmann::json> ParseStreamingArrays(std::string_view body, std::string_view what,
                                            const std::vector<StreamedArray>& arrays) {
  Handler handler(arrays);
  if (!Json::sax_parse(body.begin(), body.end(), &handler)) {
    // The wording of json::Parse, so both parsers fail alike.
    std::string msg = "malformed JSON in ";
    msg += what;
    msg += " (" + std::to_string(body.size()) + " bytes)";
    return Status::ParseError(std::move(msg));
  }
  return handler.Take();
}

}  // namespace fme::json
