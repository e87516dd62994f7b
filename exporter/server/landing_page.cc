#include "server/landing_page.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace fme {
namespace {

// RFC 3339 UTC, second precision.
std::string FormatTime(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Ago(WallTime then, WallTime now) {
  double s = std::chrono::duration<double>(now - then).count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0fs ago", std::max(0.0, std::round(s)));
  return buf;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderLandingPage(const Snapshot& snapshot, const LandingPageInfo& info, WallTime now) {
  // Bounded: one row per configured target, errors cut to a line.
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<title>flink-mesos-exporter</title>"
       "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
       ".up{color:#080}.down{color:#b00}.pending{color:#888}</style></head><body>\n";
  h += "<h1>flink-mesos-exporter</h1>\n<p>Version " + HtmlEscape(info.version) + " (revision " +
       HtmlEscape(info.revision) + ")</p>\n";
  h += "<p><a href=\"" + HtmlEscape(info.telemetry_path) + "\">Metrics</a> &middot; "
       "<a href=\"/-/healthy\">Health</a> &middot; <a href=\"/-/ready\">Readiness</a></p>\n";
  h += "<h2>Targets</h2>\n";
  if (snapshot.targets.empty()) {
    h += "<p>No targets are configured.</p>\n";
  } else {
    h += "<table><tr><th>Source</th><th>Name</th><th>URL</th><th>State</th>"
         "<th>Last success</th><th>Last poll duration</th><th>Last error</th></tr>\n";
    for (const auto& t : snapshot.targets) {
      const char* cls = !t->polled ? "pending" : (t->up ? "up" : "down");
      const char* state = !t->polled ? "PENDING" : (t->up ? "UP" : "DOWN");
      h += "<tr><td>" + std::string(SourceKindName(t->target.kind)) + "</td><td>" +
           HtmlEscape(t->target.name) + "</td><td>" + HtmlEscape(t->target.url) +
           "</td><td class=\"" + cls + "\">" + state + "</td><td>";
      if (t->last_success) h += FormatTime(*t->last_success) + " (" + Ago(*t->last_success, now) + ")";
      else h += "never";
      char dur[32];
      std::snprintf(dur, sizeof dur, "%.3fs", ToSeconds(t->last_poll_duration));
      h += "</td><td>" + std::string(t->polled ? dur : "") + "</td><td>";
      std::string err = t->last_error.substr(0, 500);
      h += HtmlEscape(err) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace fme
