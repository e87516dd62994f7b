#include "server/landing_page.h"

#include <algorithm>
#include <array>
#include <vector>

#include "server/html_text.h"
#include "server/target_row.h"
#include "server/time_text.h"

namespace fme {
namespace {

// No scripts, no external resources: the page works anywhere and an escaping slip cannot run.
constexpr std::string_view kHead =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
    "<title>flink-mesos-exporter</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;margin:1.2em;color:#111;background:#fff}\n"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1em 0 .4em}\n"
    "p{margin:.3em 0}nav a{margin-right:1.2em}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9em}\n"
    "th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}\n"
    "thead th{background:#e8e8e8}\n"
    ".badge{display:inline-block;padding:1px 6px;border-radius:3px;font-weight:bold;"
    "white-space:nowrap}\n"
    ".b-up{background:#d4f0d4;color:#05501f;border:1px solid #05501f}\n"
    ".b-down{background:#b00020;color:#fff;border:1px solid #b00020}\n"
    ".b-pending{background:#f4f4f4;color:#444;border:1px dashed #666}\n"
    "tr.down td{background:#fff0f0}tr.down td:first-child{border-left:5px solid #b00020}\n"
    ".warn{color:#9a3a00;font-weight:bold}.muted{color:#555}\n"
    "td.url{overflow-wrap:break-word;max-width:28em}td.err{overflow-wrap:anywhere;"
    "font-family:monospace;max-width:36em}.nw{white-space:nowrap}\n"
    ".more{font-weight:bold;margin-top:.6em}footer{margin-top:1.5em;font-size:.9em;color:#444}\n"
    "</style>\n</head>\n<body>\n";

// The project's documents, named by their path in the source tree.
constexpr std::array<std::string_view, 4> kDocs = {"README.md", "docs/configuration.md",
                                                   "docs/metrics.md", "docs/design.md"};

void AppendTime(std::string& h, WallTime t, WallTime now) {
  const std::string utc = FormatUtc(t);
  h += "<time class=\"nw\" datetime=\"" + utc + "\">" + utc + "</time><br><span class=\"muted\">" +
       SecondsAgoText(t, now) + "</span>";
}

void AppendBadge(std::string& h, TargetHealth health, std::string_view text) {
  h += "<span class=\"badge b-";
  h += TargetHealthClass(health);
  h += "\">";
  h += text;
  h += "</span>";
}

void AppendRow(std::string& h, const TargetRow& r, bool exported, WallTime now) {
  h += "<tr class=\"";
  h += TargetHealthClass(r.health);
  h += "\"><td>";
  AppendBadge(h, r.health, TargetHealthText(r.health));
  h += "</td><td>";
  h += r.kind;
  h += "</td><td>" + HtmlEscape(r.name) + "</td><td>";
  h += r.origin;
  if (!r.discovered_from.empty()) h += "<br><small>via " + HtmlEscape(r.discovered_from) + "</small>";
  if (!exported) h += "<br><small>polled for discovery and the join; another shard exports it</small>";
  h += "</td><td class=\"url\">";
  for (std::size_t i = 0; i < r.urls.size(); ++i) {
    if (i > 0) h += "<br>";
    const DisplayUrl& u = r.urls[i];
    if (u.href.empty()) h += HtmlEscape(u.text);
    else h += "<a href=\"" + HtmlEscape(u.href) + "\">" + HtmlEscape(u.text) + "</a>";
  }
  h += "</td><td>";
  if (r.last_success) AppendTime(h, *r.last_success, now);
  else h += "never";
  h += "</td><td class=\"nw\">";
  h += r.data_age_seconds ? AgeText(*r.data_age_seconds) : "no data";
  h += "</td><td class=\"nw\">";
  if (r.last_poll_duration) {
    h += "took " + PollDurationText(*r.last_poll_duration);
    if (r.last_poll) {
      h += "<br><span class=\"muted\">" + SecondsAgoText(*r.last_poll, now) + "</span>";
    }
  } else {
    h += "&mdash;";
  }
  h += "</td><td>";
  if (r.details.empty()) {
    h += r.health == TargetHealth::kDown ? "<span class=\"muted\">no data while down</span>"
                                         : "&mdash;";
  }
  for (std::size_t i = 0; i < r.details.size(); ++i) {
    if (i > 0) h += "<br>";
    const DetailLine& d = r.details[i];
    if (d.warning) h += "<span class=\"warn\">" + HtmlEscape(d.text) + "</span>";
    else h += HtmlEscape(d.text);
  }
  h += "</td><td class=\"err\">";
  if (!r.last_error.empty()) {
    if (r.error_resolved) {
      h += "<span class=\"muted\">before recovery: " + HtmlEscape(r.last_error) + "</span>";
    } else {
      h += HtmlEscape(r.last_error);
    }
  }
  h += "</td></tr>\n";
}

}  // namespace

std::string RenderLandingPage(const Snapshot& snapshot, const LandingPageInfo& info, WallTime now) {
  // Trouble first; the snapshot's (kind, name) order is kept within each state.
  std::vector<const TargetState*> targets;
  targets.reserve(snapshot.targets.size());
  std::array<std::size_t, 3> counts{};  // by TargetHealth
  for (const auto& t : snapshot.targets) {
    targets.push_back(t.get());
    ++counts[static_cast<std::size_t>(HealthOf(*t))];
  }
  std::stable_sort(targets.begin(), targets.end(), [](const TargetState* a, const TargetState* b) {
    return HealthOf(*a) < HealthOf(*b);
  });
  const std::size_t shown = std::min(targets.size(), info.max_rows);

  std::string h;
  h.reserve(4096 + shown * 1024);
  h += kHead;
  h += "<header>\n<h1>flink-mesos-exporter</h1>\n<p>Version " + HtmlEscape(info.version) +
       ", revision " + HtmlEscape(info.revision) + "</p>\n<nav><a href=\"" +
       HtmlEscape(info.telemetry_path) + "\">Metrics</a><a href=\"" +
       HtmlEscape(info.snapshot_path) +
       "\">Snapshot (JSON)</a><a href=\"/-/healthy\">Healthy</a><a href=\"/-/ready\">Ready</a>"
       "</nav>\n</header>\n<main>\n<h2>Targets</h2>\n";

  h += "<p><strong>" + std::to_string(targets.size()) +
       (targets.size() == 1 ? " target" : " targets") + ":</strong> ";
  for (TargetHealth health : {TargetHealth::kUp, TargetHealth::kDown, TargetHealth::kNotPolled}) {
    AppendBadge(h, health,
                std::to_string(counts[static_cast<std::size_t>(health)]) + " " +
                    std::string(TargetHealthText(health)));
    h += ' ';
  }
  h += "</p>\n<p class=\"muted\">Snapshot " + std::to_string(snapshot.generation) + " made at " +
       FormatUtc(snapshot.created) + " (" + SecondsAgoText(snapshot.created, now) +
       "); page made at " + FormatUtc(now) + ". Down targets first.</p>\n";
  if (snapshot.shard.count > 1) {
    const ShardStatus& s = snapshot.shard;
    h += "<p>Shard " + std::to_string(s.index) + " of " + std::to_string(s.count) +
         " (--shard.index, --shard.count): other shards export " +
         std::to_string(s.other_flink) + " more Flink and " + std::to_string(s.other_mesos) +
         " more Mesos clusters.</p>\n";
  }

  if (targets.empty()) {
    h += "<p>No targets are configured.</p>\n";
  } else {
    h += "<table>\n<thead><tr><th>State</th><th>Kind</th><th>Name</th><th>Source</th>"
         "<th>URL</th><th>Last success (UTC)</th><th>Data age</th><th>Last poll</th>"
         "<th>Details</th><th>Last error</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < shown; ++i) {
      AppendRow(h, MakeTargetRow(*targets[i], now), targets[i]->target.exported, now);
    }
    h += "</tbody>\n</table>\n";
    if (shown < targets.size()) {
      h += "<p class=\"more\">&hellip; and " + std::to_string(targets.size() - shown) +
           " more targets not listed: this page lists at most " + std::to_string(info.max_rows) +
           ". Metrics and the snapshot have them all.</p>\n";
    }
  }

  h += "</main>\n<footer><p>Documentation, in the flink-mesos-exporter source tree:";
  for (std::size_t i = 0; i < kDocs.size(); ++i) {
    h += i == 0 ? " " : ", ";
    h += "<code>";
    h += kDocs[i];
    h += "</code>";
  }
  h += ".</p></footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace fme
