#!/usr/bin/env python3
"""Writes the Grafana dashboards of flink-mesos-exporter (dashboards/*.json).

The JSON files are generated, so that every dashboard follows the same rules: one `datasource`
variable that every panel and variable uses, the same `job`/`instance` selectors everywhere,
`$__rate_interval` in every rate, a unit and a description on every panel, and links that name
existing dashboard uids. Edit this file, not the JSON, then run it:

    dashboards/generate.py            # rewrite dashboards/*.json
    dashboards/generate.py --check    # exit 1 if a committed file differs from the output

Standard library only. Classic dashboard model, schemaVersion 36 (Grafana 9.0 and later load it
and migrate it as they need).
"""

import json
import os
import sys

SCHEMA_VERSION = 36
DS = {"type": "prometheus", "uid": "${datasource}"}
TAGS = ["flink", "mesos", "flink-mesos-exporter"]

UID_FLEET = "fme-flink-fleet-overview"
UID_JOB = "fme-flink-job"
UID_MESOS = "fme-mesos-cluster"
UID_EXPORTER = "fme-exporter"

# --- selectors -------------------------------------------------------------------------------

JOB = 'job=~"$job"'
INST = 'instance=~"$instance"'
BASE = [JOB, INST]
FLINK = BASE + ['flink_cluster=~"$flink_cluster"']
MESOS = BASE + ['mesos_cluster=~"$mesos_cluster"']
TARGET = BASE + ['target=~"$target"']


def m(label, op, value):
    """One label matcher, e.g. m('stat', '=', 'max') is stat="max"."""
    return f'{label}{op}"{value}"'


def sel(parts, *extra):
    return "{" + ", ".join(list(parts) + list(extra)) + "}"


def over(fn, metric, parts, *extra):
    """fn over `metric` in the rate interval: rate(metric{...}[$__rate_interval])."""
    return f"{fn}({metric}{sel(parts, *extra)}[$__rate_interval])"


# Labels that identify one exporter's series; every join keeps them.
EXP = "job, instance"

# The job dashboard shows one job name (its job ids change with redeploys).
JOBSEL = FLINK + ['job_name="$job_name"']
# The fleet overview narrows its per-job panels with a multi-value job name.
FLEETJOBS = FLINK + ['job_name=~"$job_name"']

JOB_STATES = ["INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED",
              "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING", "UNKNOWN"]
JOB_STATE_COLORS = {"INITIALIZING": "blue", "CREATED": "blue", "RUNNING": "green",
                    "FAILING": "orange", "FAILED": "red", "CANCELLING": "purple",
                    "CANCELED": "purple", "FINISHED": "text", "RESTARTING": "orange",
                    "SUSPENDED": "yellow", "RECONCILING": "blue", "UNKNOWN": "red"}


def with_rest_url(expr):
    """Adds the JobManager REST URL (flink_cluster_info's rest_url) to each series of `expr`."""
    return (f"{expr}\n  * on ({EXP}, flink_cluster) group_left (rest_url)\n"
            f"max by ({EXP}, flink_cluster, rest_url) (flink_cluster_info{sel(FLINK)})")


# --- links -----------------------------------------------------------------------------------

FLINK_UI_JOB = "${__data.fields.rest_url}/#/job/${__data.fields.job_id}/overview"
MESOS_UI_TASK = ("${__data.fields.master}/#/agents/${__data.fields.agent_id}/frameworks/"
                 "${__data.fields.framework_id}/executors/${__data.fields.mesos_task_id}")
MESOS_UI_AGENT = "${__data.fields.master}/#/agents/${__data.fields.agent_id}"


def job_dashboard_url(cluster, name):
    return (f"/d/{UID_JOB}?${{datasource:queryparam}}&${{job:queryparam}}&${{instance:queryparam}}"
            f"&var-flink_cluster={cluster}&var-job_name={name}&${{__url_time_range}}")


JOB_PAGE_FROM_ROW = job_dashboard_url("${__data.fields.flink_cluster:percentencode}",
                                      "${__data.fields.job_name:percentencode}")
JOB_PAGE_FROM_SERIES = job_dashboard_url("${__field.labels.flink_cluster:percentencode}",
                                         "${__field.labels.job_name:percentencode}")


def link(title, url, blank=False):
    return {"title": title, "url": url, "targetBlank": blank}


def dashboard_links(current):
    out = []
    for uid, title in ((UID_FLEET, "Flink fleet overview"), (UID_JOB, "Flink job"),
                       (UID_MESOS, "Mesos cluster"), (UID_EXPORTER, "flink-mesos-exporter")):
        if uid == current:
            continue
        out.append({"title": title, "type": "link", "url": f"/d/{uid}", "icon": "dashboard",
                    "tooltip": f"Open the {title} dashboard", "keepTime": True, "includeVars": True,
                    "targetBlank": False, "asDropdown": False, "tags": []})
    return out


# --- variables -------------------------------------------------------------------------------

def var_datasource():
    return {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
            "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": [],
            "refresh": 1, "regex": "", "skipUrlSync": False}


def var_query(name, label, query, multi=True, all_value=".+", description=""):
    v = {"name": name, "label": label, "description": description, "type": "query",
         "datasource": DS, "definition": query, "query": query, "refresh": 2, "regex": "",
         "sort": 1, "multi": multi, "includeAll": multi, "current": {}, "options": [], "hide": 0,
         "skipUrlSync": False}
    if multi:
        v["allValue"] = all_value
    return v


def var_job():
    return var_query("job", "Scrape job", "label_values(flink_mesos_exporter_build_info, job)",
                     description="Prometheus scrape job(s) of the exporter.")


def var_instance():
    return var_query("instance", "Exporter", 'label_values(flink_mesos_exporter_build_info{job=~"$job"}, instance)',
                     description="Exporter instance(s).")


def var_mesos_cluster(all_value):
    return var_query("mesos_cluster", "Mesos cluster",
                     f"label_values(mesos_up{sel(BASE)}, mesos_cluster)", all_value=all_value,
                     description="Mesos cluster(s), by the name in the exporter's configuration.")


def var_flink_cluster():
    return var_query(
        "flink_cluster", "Flink cluster",
        f"label_values(flink_cluster_info{sel(BASE, m('mesos_cluster', '=~', '$mesos_cluster'))}, flink_cluster)",
        description="Flink cluster(s). The list follows the Mesos cluster choice (standalone clusters "
                    "appear under All); All always means every cluster, also one that is down.")


def var_job_name(multi):
    return var_query("job_name", "Job", f"label_values(flink_job_state{sel(FLINK)}, job_name)", multi=multi,
                     description="Flink job name; it stays the same across redeploys, which change the job id.")


def var_target():
    return var_query("target", "Target", f"label_values(flink_mesos_exporter_poll_success{sel(BASE)}, target)",
                     description="Polled target(s): Flink and Mesos cluster names.")


# --- panels ----------------------------------------------------------------------------------

def target(expr, legend="", instant=False, table=False):
    t = {"refId": "", "datasource": DS, "expr": expr, "editorMode": "code", "range": not instant,
         "instant": instant, "legendFormat": legend}
    if table:
        t["format"] = "table"
    return t


def thresholds(*steps):
    """steps: (value, color) pairs after the base color, or a single base color."""
    base, rest = steps[0], steps[1:]
    return {"mode": "absolute", "steps": [{"color": base, "value": None}] +
            [{"color": c, "value": v} for v, c in rest]}


def value_map(pairs):
    return [{"type": "value", "options": {str(k): {"text": t, "color": c, "index": i}
                                          for i, (k, t, c) in enumerate(pairs)}}]


UP_DOWN = value_map([(1, "UP", "green"), (0, "DOWN", "red")])


def _panel(kind, title, description, unit, targets, defaults=None, options=None, overrides=None, **extra):
    fd = {"unit": unit, "color": {"mode": "palette-classic"}, "thresholds": thresholds("green"),
          "mappings": []}
    fd.update(defaults or {})
    for ref, t in zip("ABCDEFGHIJ", targets):
        t["refId"] = ref
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "fieldConfig": {"defaults": fd, "overrides": overrides or []},
         "options": options or {}, "targets": targets}
    p.update(extra)
    return p


def timeseries(title, description, unit, targets, stack=False, bars=False, links=None, min_zero=True,
               no_value=None, legend_table=False):
    custom = {"drawStyle": "bars" if bars else "line", "lineWidth": 1,
              "fillOpacity": 80 if bars else (30 if stack else 10), "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"},
              "axisPlacement": "auto", "gradientMode": "none"}
    defaults = {"custom": custom, "links": links or []}
    if min_zero:
        defaults["min"] = 0
    if no_value:
        defaults["noValue"] = no_value
    legend = {"displayMode": "table" if legend_table else "list", "placement": "bottom", "showLegend": True,
              "calcs": ["lastNotNull", "max"] if legend_table else []}
    return _panel("timeseries", title, description, unit, targets, defaults,
                  {"legend": legend, "tooltip": {"mode": "multi", "sort": "desc"}})


def stat(title, description, unit, targets, thr=None, mappings=None, color_mode="value", no_value=None,
         decimals=None):
    defaults = {"thresholds": thr or thresholds("green"), "mappings": mappings or [],
                "color": {"mode": "thresholds"}}
    if no_value:
        defaults["noValue"] = no_value
    if decimals is not None:
        defaults["decimals"] = decimals
    return _panel("stat", title, description, unit, targets, defaults,
                  {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                   "colorMode": color_mode, "graphMode": "none", "justifyMode": "auto",
                   "orientation": "auto", "textMode": "auto"})


def bargauge(title, description, unit, targets, thr=None, links=None, no_value=None, max_value=None,
             decimals=None):
    defaults = {"thresholds": thr or thresholds("green"), "color": {"mode": "thresholds"},
                "links": links or [], "min": 0}
    if no_value:
        defaults["noValue"] = no_value
    if max_value is not None:
        defaults["max"] = max_value
    if decimals is not None:
        defaults["decimals"] = decimals
    return _panel("bargauge", title, description, unit, targets, defaults,
                  {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                   "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True})


def state_timeline(title, description, targets, mappings, unit="none"):
    defaults = {"custom": {"fillOpacity": 70, "lineWidth": 0}, "mappings": mappings,
                "color": {"mode": "thresholds"}, "thresholds": thresholds("text")}
    return _panel("state-timeline", title, description, unit, targets, defaults,
                  {"showValue": "never", "rowHeight": 0.9, "mergeValues": True, "alignValue": "left",
                   "legend": {"displayMode": "list", "placement": "bottom", "showLegend": False},
                   "tooltip": {"mode": "single", "sort": "none"}})


def table(title, description, expr, columns, links=None, value_name=None, value_unit=None,
          value_mappings=None, no_value=None):
    """An instant table of `expr`'s label values. columns: labels to show, in order.

    links: {column: [link, ...]}. The value column is dropped unless `value_name` names it.
    """
    overrides = []
    for column, column_links in (links or {}).items():
        overrides.append({"matcher": {"id": "byName", "options": column},
                          "properties": [{"id": "links", "value": column_links}]})
    exclude = {"Time": True, "__name__": True, "job": True, "instance": True}
    order = {c: i for i, c in enumerate(columns)}
    rename = {}
    if value_name:
        order["Value"] = len(columns)
        rename["Value"] = value_name
        props = []
        if value_unit:
            props.append({"id": "unit", "value": value_unit})
        if value_mappings:
            props.append({"id": "mappings", "value": value_mappings})
        if props:
            overrides.append({"matcher": {"id": "byName", "options": "Value"}, "properties": props})
    else:
        exclude["Value"] = True
    defaults = {"custom": {"align": "auto", "displayMode": "auto", "filterable": True},
                "color": {"mode": "thresholds"}}
    if no_value:
        defaults["noValue"] = no_value
    p = _panel("table", title, description, "none", [target(expr, instant=True, table=True)], defaults,
               {"showHeader": True, "cellHeight": "sm",
                "footer": {"show": False, "reducer": ["sum"], "fields": ""}}, overrides)
    p["transformations"] = [{"id": "organize", "options": {
        "excludeByName": exclude, "indexByName": order, "renameByName": rename}}]
    return p


# --- layout ----------------------------------------------------------------------------------

class Board:
    def __init__(self, uid, title, description, variables):
        self.uid = uid
        self.title = title
        self.description = description
        self.variables = variables
        self.panels = []
        self.annotations = []
        self.x = 0
        self.y = 0
        self.line_height = 0

    def _newline(self):
        self.y += self.line_height
        self.x = 0
        self.line_height = 0

    def row(self, title):
        self._newline()
        self.panels.append({"type": "row", "title": title, "collapsed": False, "panels": [],
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}})
        self.y += 1

    def add(self, panel, w, h=8):
        if self.x + w > 24:
            self._newline()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.panels.append(panel)
        self.x += w
        self.line_height = max(self.line_height, h)

    def annotate(self, name, expr, title, text, color):
        self.annotations.append({"name": name, "datasource": DS, "enable": True, "hide": False,
                                 "iconColor": color, "expr": expr, "step": "1m",
                                 "titleFormat": title, "textFormat": text, "useValueForTime": False})

    def json(self):
        for i, p in enumerate(self.panels, start=1):
            p["id"] = i
        builtin = {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
                   "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
                   "type": "dashboard"}
        ordered = [{k: p[k] for k in ("id", "type", "title", "gridPos") if k in p} |
                   {k: v for k, v in p.items() if k not in ("id", "type", "title", "gridPos")}
                   for p in self.panels]
        return {
            "id": None, "uid": self.uid, "title": self.title, "description": self.description,
            "tags": TAGS, "schemaVersion": SCHEMA_VERSION, "version": 1, "editable": False,
            "graphTooltip": 1, "timezone": "browser", "time": {"from": "now-1h", "to": "now"},
            "refresh": "30s", "timepicker": {}, "fiscalYearStartMonth": 0, "liveNow": False,
            "weekStart": "", "links": dashboard_links(self.uid),
            "annotations": {"list": [builtin] + self.annotations},
            "templating": {"list": self.variables}, "panels": ordered,
        }


# --- Flink fleet overview --------------------------------------------------------------------

def fleet_overview():
    b = Board(UID_FLEET, "Flink fleet overview",
              "Every Flink cluster the exporter watches: what is down or failing first, then "
              "checkpoints, back-pressure, TaskManager losses and the exporter's own health.",
              [var_datasource(), var_job(), var_instance(), var_mesos_cluster(".*"), var_flink_cluster(),
               var_job_name(multi=True)])
    failing_states = 'state=~"FAILING|FAILED|RESTARTING|SUSPENDED|UNKNOWN"'

    b.row("What is broken")
    b.add(stat("Flink clusters down", "Flink clusters whose last JobManager poll failed (flink_up 0).",
               "none", [target(f"count(flink_up{sel(FLINK)} == 0) or vector(0)", instant=True)],
               thr=thresholds("green", (1, "red"))), 4, 4)
    b.add(stat("Mesos clusters down", "Mesos clusters where no master answered the last poll (mesos_up 0).",
               "none", [target(f"count(mesos_up{sel(MESOS)} == 0) or vector(0)", instant=True)],
               thr=thresholds("green", (1, "red"))), 4, 4)
    b.add(stat("Jobs failing or failed", "Jobs (of the selected names) now FAILING, FAILED, RESTARTING, "
               "SUSPENDED or UNKNOWN. Ended jobs stay listed for the exporter's terminal_job_ttl.",
               "none", [target(f"count(flink_job_state{sel(FLEETJOBS, failing_states)} == 1) or vector(0)",
                               instant=True)], thr=thresholds("green", (1, "red"))), 4, 4)
    b.add(stat("TaskManagers lost", "TaskManager Mesos tasks of the selected clusters that ended "
               "(failed, lost, killed, ...) within the dashboard's time range. A count missing at the "
               "start of the range counts as 0, so that the first failure of a kind is seen.",
               "none", [target(
                   f"sum(clamp_min(flink_cluster_taskmanager_task_failures_total{sel(FLINK)}\n"
                   f"  - (flink_cluster_taskmanager_task_failures_total{sel(FLINK)} offset $__range\n"
                   f"     or 0 * flink_cluster_taskmanager_task_failures_total{sel(FLINK)}), 0)) or vector(0)",
                   instant=True)], thr=thresholds("green", (1, "orange"))), 4, 4)
    b.add(stat("Oldest checkpoint", "Longest time since the last completed checkpoint over the RUNNING "
               "jobs that checkpoint periodically (recorded per cluster by "
               "flink_cluster:flink_job_last_checkpoint_completed:max_age_seconds).",
               "s", [target(f"max(flink_cluster:flink_job_last_checkpoint_completed:max_age_seconds{sel(FLINK)})",
                            instant=True)], thr=thresholds("green", (300, "orange"), (600, "red")),
               no_value="no checkpointing jobs"), 4, 4)
    b.add(stat("Exporter targets failing", "Targets (Flink and Mesos clusters) whose last poll by the "
               "exporter failed. Details on the flink-mesos-exporter dashboard.",
               "none", [target(f"count(flink_mesos_exporter_poll_success{sel(BASE)} == 0) or vector(0)",
                               instant=True)], thr=thresholds("green", (1, "orange"))), 4, 4)

    b.add(state_timeline("Flink clusters", "Whether the last poll of each Flink JobManager succeeded.",
                         [target(f"flink_up{sel(FLINK)}", "{{flink_cluster}}")], UP_DOWN), 12, 7)
    b.add(state_timeline("Mesos clusters", "Whether any master of each Mesos cluster answered the last poll.",
                         [target(f"mesos_up{sel(MESOS)}", "{{mesos_cluster}}")], UP_DOWN), 12, 7)

    b.add(table("Jobs failing or failed", "Jobs now FAILING, FAILED, RESTARTING, SUSPENDED or UNKNOWN. "
                "The job name opens the Flink job dashboard, the job id the job's page in the Flink web UI.",
                with_rest_url(f"(flink_job_state{sel(FLEETJOBS, failing_states)} == 1)"),
                ["flink_cluster", "job_name", "state", "job_id", "rest_url"],
                links={"job_name": [link("Flink job dashboard", JOB_PAGE_FROM_ROW)],
                       "job_id": [link("Open in the Flink web UI", FLINK_UI_JOB, blank=True)]},
                no_value="no failing jobs"), 14, 8)
    b.add(bargauge("Restarts in the last hour", "Jobs with the most restarts in the last hour "
                   "(job_id:flink_job_restarts:increase1h), worst 10.",
                   "none", [target(f"topk(10, job_id:flink_job_restarts:increase1h{sel(FLEETJOBS)} > 0)",
                                   "{{flink_cluster}} / {{job_name}}", instant=True)],
                   thr=thresholds("green", (1, "orange"), (5, "red")),
                   links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)], no_value="no restarts",
                   decimals=0), 10, 8)

    b.row("Jobs")
    b.add(timeseries("Jobs by state", "Jobs of the selected clusters in each state "
                     "(flink_cluster_state:flink_job_state:sum; not narrowed by the job name).",
                     "none", [target(f"sum by (state) (flink_cluster_state:flink_job_state:sum{sel(FLINK)}) > 0",
                                     "{{state}}")], stack=True), 12, 8)
    b.add(table("Flink clusters", "Version, REST URL and, for Flink on Mesos, the Mesos cluster and framework "
                "of each cluster. The REST URL opens the Flink web UI.",
                f"flink_cluster_info{sel(FLINK)}",
                ["flink_cluster", "version", "rest_url", "mesos_cluster", "framework_id", "revision"],
                links={"rest_url": [link("Open the Flink web UI", "${__data.fields.rest_url}", blank=True)]},
                no_value="no Flink cluster answers"), 12, 8)

    b.row("Checkpoints")
    b.add(bargauge("Checkpoint age, worst 10", "Time since the last completed checkpoint of RUNNING jobs that "
                   "checkpoint periodically (job_id:flink_job_last_checkpoint_completed:age_seconds). "
                   "FlinkCheckpointStalled fires above three intervals, at least 10 minutes.",
                   "s", [target(f"topk(10, job_id:flink_job_last_checkpoint_completed:age_seconds{sel(FLEETJOBS)})",
                                "{{flink_cluster}} / {{job_name}}", instant=True)],
                   thr=thresholds("green", (300, "orange"), (600, "red")),
                   links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)]), 8, 8)
    b.add(bargauge("Checkpoint age in intervals, worst 10", "The same age divided by the job's checkpoint "
                   "interval: 1 is on time, above 3 the job is stalled.",
                   "none", [target(
                       f"topk(10, job_id:flink_job_last_checkpoint_completed:age_per_interval_ratio{sel(FLEETJOBS)})",
                       "{{flink_cluster}} / {{job_name}}", instant=True)],
                   thr=thresholds("green", (2, "orange"), (3, "red")),
                   links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)], decimals=1), 8, 8)
    b.add(timeseries("Failed checkpoints", "Checkpoints that failed, per job, per rate interval. Only jobs "
                     "with failures are shown.",
                     "none", [target("sum without (result) (" + over("increase", "flink_job_checkpoints_total", FLEETJOBS,
                                                                     m("result", "=", "failed")) + ") > 0",
                                     "{{flink_cluster}} / {{job_name}}")], bars=True,
                     links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)],
                     no_value="no failed checkpoints"), 8, 8)

    b.row("Back-pressure and throughput")
    b.add(timeseries("Most back-pressured vertices", "Share of time the worst subtask of a vertex waited for "
                     "output buffers (Flink 1.13+), 10 highest. Above 0.5 for long, FlinkVertexBackpressured fires.",
                     "percentunit", [target(f"topk(10, flink_vertex_backpressured_ratio{sel(FLEETJOBS, m('stat', '=', 'max'))})",
                                            "{{flink_cluster}} / {{job_name}} / {{vertex_name}}")],
                     links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)]), 12, 8)
    b.add(timeseries("Busiest vertices", "Share of time the worst subtask of a vertex was busy (Flink 1.13+), "
                     "10 highest: the bottleneck behind back-pressure.",
                     "percentunit", [target(f"topk(10, flink_vertex_busy_ratio{sel(FLEETJOBS, m('stat', '=', 'max'))})",
                                            "{{flink_cluster}} / {{job_name}} / {{vertex_name}}")],
                     links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)]), 12, 8)
    b.add(bargauge("Back-pressure per cluster", "Worst back-pressured ratio over all vertices of each cluster "
                   "(flink_cluster:flink_vertex_backpressured_ratio:max).",
                   "percentunit", [target(f"flink_cluster:flink_vertex_backpressured_ratio:max{sel(FLINK)}",
                                          "{{flink_cluster}}", instant=True)],
                   thr=thresholds("green", (0.1, "yellow"), (0.5, "red")), max_value=1), 8, 8)
    b.add(bargauge("Watermark lag, worst 10", "Event-time lag (now minus the lowest input watermark) of the "
                   "worst vertex of each RUNNING job (job_id:flink_vertex_watermark_lag_seconds:max).",
                   "s", [target(f"topk(10, job_id:flink_vertex_watermark_lag_seconds:max{sel(FLEETJOBS)})",
                                "{{flink_cluster}} / {{job_name}}", instant=True)],
                   thr=thresholds("green", (60, "orange"), (900, "red")),
                   links=[link("Flink job dashboard", JOB_PAGE_FROM_SERIES)]), 8, 8)
    b.add(timeseries("Records out per cluster", "Records per second emitted by all vertices of each cluster "
                     "(flink_cluster:flink_vertex_records_out:rate5m): a throughput indicator.",
                     "cps", [target(f"flink_cluster:flink_vertex_records_out:rate5m{sel(FLINK)}",
                                    "{{flink_cluster}}")]), 8, 8)

    b.row("TaskManagers and their Mesos tasks")
    b.add(bargauge("TaskManager failures by reason", "TaskManager Mesos tasks that ended within the time range, "
                   "by Mesos state and reason (flink_cluster_taskmanager_task_failures_total): "
                   "REASON_CONTAINER_LIMITATION_MEMORY is an OOM kill, REASON_AGENT_REMOVED a lost agent.",
                   "none", [target(
                       f"sum without () (clamp_min(flink_cluster_taskmanager_task_failures_total{sel(FLINK)}\n"
                       f"  - (flink_cluster_taskmanager_task_failures_total{sel(FLINK)} offset $__range\n"
                       f"     or 0 * flink_cluster_taskmanager_task_failures_total{sel(FLINK)}), 0)) > 0",
                       "{{flink_cluster}} {{state}} {{reason}}", instant=True)],
                   thr=thresholds("green", (1, "orange")), no_value="no TaskManager failures", decimals=0), 8, 8)
    b.add(timeseries("TaskManager failures since the exporter started", "Cumulative TaskManager Mesos task "
                     "terminations by state and reason; every step up is a TaskManager that died.",
                     "none", [target(f"flink_cluster_taskmanager_task_failures_total{sel(FLINK)}",
                                     "{{flink_cluster}} {{state}} {{reason}}")],
                     no_value="no TaskManager failures"), 8, 8)
    b.add(timeseries("TaskManagers known to one side only", "flink_only: TaskManagers Flink lists without a "
                     "live Mesos task (zombies); mesos_only: live TaskManager tasks Flink does not list "
                     "(leaked or starting). Flink on Mesos only.",
                     "none", [target(f"flink_cluster_taskmanagers_unmatched{sel(FLINK)}",
                                     "{{flink_cluster}} {{side}}")]), 8, 8)
    b.add(timeseries("Task slots in use", "Share of task slots in use per cluster "
                     "(flink_cluster:flink_cluster_task_slots_used_per_total:ratio).",
                     "percentunit", [target(f"flink_cluster:flink_cluster_task_slots_used_per_total:ratio{sel(FLINK)}",
                                            "{{flink_cluster}}")]), 12, 8)
    b.add(timeseries("TaskManagers", "TaskManagers registered with each JobManager.",
                     "none", [target(f"flink_cluster_taskmanagers{sel(FLINK)}", "{{flink_cluster}}")]), 12, 8)

    b.row("Exporter")
    b.add(timeseries("Poll errors", "Failed polls per second per target, all kinds "
                     "(source_target:flink_mesos_exporter_poll_errors:rate5m).",
                     "cps", [target(f"source_target:flink_mesos_exporter_poll_errors:rate5m{sel(BASE)}",
                                    "{{source}} {{target}}")]), 12, 6)
    b.add(stat("Snapshot age", "Age of the snapshot the exporter serves; it grows when polling stalls.",
               "s", [target(f"max(flink_mesos_exporter_snapshot_age_seconds{sel(BASE)})", instant=True)],
               thr=thresholds("green", (60, "orange"), (180, "red"))), 6, 6)
    b.add(stat("Series exported", "flink_* and mesos_* series in the exporter's last rendering.",
               "none", [target(f"sum(flink_mesos_exporter_series{sel(BASE)})", instant=True)]), 6, 6)
    return b


# --- Flink job -------------------------------------------------------------------------------

def flink_job():
    b = Board(UID_JOB, "Flink job",
              "One Flink job (by name, across redeploys): its state and restarts first, then "
              "checkpoints, its vertices, and the TaskManagers of its cluster with their Mesos tasks.",
              [var_datasource(), var_job(), var_instance(), var_mesos_cluster(".*"), var_flink_cluster(),
               var_job_name(multi=False)])
    running = f"(flink_job_state{sel(JOBSEL)} == 1)"
    # TaskManagers of the clusters that run the job.
    in_job_cluster = f"and on ({EXP}, flink_cluster) {running}"
    coded = " or ".join(f"{i} * flink_job_state{sel(JOBSEL, m('state', '=', s))}"
                        for i, s in enumerate(JOB_STATES, start=1))
    b.annotate("Restarts", f"increase(flink_job_restarts_total{sel(JOBSEL)}[$__rate_interval]) > 0",
               "Restart", "{{job_name}} ({{job_id}}) restarted on {{flink_cluster}}", "orange")

    b.row("State")
    b.add(table("Job", "The job's current state. The job id opens the job in the Flink web UI.",
                with_rest_url(running), ["flink_cluster", "job_name", "state", "job_id", "rest_url"],
                links={"job_id": [link("Open in the Flink web UI", FLINK_UI_JOB, blank=True)]},
                no_value="no such job"), 12, 5)
    b.add(stat("In this state for", "Time since the job entered its current state.",
               "s", [target(f"time() - flink_job_state_since_timestamp_seconds{sel(JOBSEL)}", "{{job_id}}",
                            instant=True)]), 4, 5)
    b.add(stat("Restarts in the last hour", "Restarts of the job in the last hour "
               "(job_id:flink_job_restarts:increase1h).",
               "none", [target(f"job_id:flink_job_restarts:increase1h{sel(JOBSEL)}", "{{job_id}}", instant=True)],
               thr=thresholds("green", (1, "orange"), (5, "red")), decimals=0), 4, 5)
    b.add(stat("Last failure", "When the job last failed, from Flink's exception history.",
               "dateTimeFromNow", [target(f"max(flink_job_last_failure_timestamp_seconds{sel(JOBSEL)}) * 1000",
                                          instant=True)], no_value="never"), 4, 5)
    b.add(state_timeline("State over time", "The job's state over time, per job id (a redeploy starts a new one).",
                         [target(f"sum without (state) ({coded})", "{{flink_cluster}} {{job_id}}")],
                         value_map([(i, s, JOB_STATE_COLORS[s]) for i, s in enumerate(JOB_STATES, start=1)])),
          16, 6)
    b.add(table("Last failure cause", "Exception class of the job's latest failure and, when the failure names "
                "a TaskManager whose Mesos task ended, that task's Mesos reason.",
                f"flink_job_last_failure_info{sel(JOBSEL)}",
                ["flink_cluster", "job_id", "exception", "mesos_reason"], no_value="no failure known"), 8, 6)
    b.add(timeseries("Restarts", "Restarts of the job per rate interval.",
                     "none", [target(f"increase(flink_job_restarts_total{sel(JOBSEL)}[$__rate_interval])",
                                     "{{job_id}}")], bars=True), 12, 7)
    b.add(timeseries("Subtasks by state", "Subtasks of all vertices of the job in each execution state "
                     "(states with none left out).",
                     "none", [target(f"sum by (flink_cluster, job_id, state) (flink_vertex_subtasks{sel(JOBSEL)}) > 0",
                                     "{{state}} {{job_id}}")], stack=True), 12, 7)

    b.row("Checkpoints")
    b.add(timeseries("Checkpoint age vs interval", "Time since the last completed checkpoint "
                     "(job_id:flink_job_last_checkpoint_completed:age_seconds), the checkpoint interval, and "
                     "the FlinkCheckpointStalled threshold (three intervals, at least 10 minutes).",
                     "s", [target(f"job_id:flink_job_last_checkpoint_completed:age_seconds{sel(JOBSEL)}", "age {{job_id}}"),
                           target(f"flink_job_checkpoint_interval_seconds{sel(JOBSEL)}", "interval {{job_id}}"),
                           target(f"clamp_min(3 * flink_job_checkpoint_interval_seconds{sel(JOBSEL)}, 600)",
                                  "stall threshold {{job_id}}")]), 12, 8)
    b.add(timeseries("Checkpoint duration vs timeout", "End-to-end duration of the latest completed checkpoint, "
                     "the checkpoint timeout, and 75 % of it (FlinkCheckpointNearTimeout).",
                     "s", [target(f"flink_job_last_checkpoint_duration_seconds{sel(JOBSEL)}", "duration {{job_id}}"),
                           target(f"flink_job_checkpoint_timeout_seconds{sel(JOBSEL)}", "timeout {{job_id}}"),
                           target(f"0.75 * flink_job_checkpoint_timeout_seconds{sel(JOBSEL)}",
                                  "75 % of timeout {{job_id}}")]), 12, 8)
    b.add(timeseries("Checkpoints completed and failed", "Checkpoints that completed or failed, per rate interval.",
                     "none", [target(f"sum without () (increase(flink_job_checkpoints_total{sel(JOBSEL)}[$__rate_interval]))",
                                     "{{result}} {{job_id}}")], bars=True), 8, 8)
    b.add(timeseries("Checkpoint size", "Bytes the latest completed checkpoint wrote (incremental on Flink 1.15+) "
                     "and its full state size.",
                     "bytes", [target(f"flink_job_last_checkpoint_size_bytes{sel(JOBSEL)}", "written {{job_id}}"),
                               target(f"flink_job_last_checkpoint_state_size_bytes{sel(JOBSEL)}", "state {{job_id}}")]),
          8, 8)
    b.add(timeseries("Checkpoints in progress", "Checkpoints in progress now.",
                     "none", [target(f"flink_job_checkpoints_in_progress{sel(JOBSEL)}", "{{job_id}}")]), 4, 8)
    b.add(table("Last failed checkpoint", "Exception class of the latest failed checkpoint.",
                f"flink_job_last_checkpoint_failure_info{sel(JOBSEL)}", ["flink_cluster", "job_id", "exception"],
                no_value="no failed checkpoint"), 4, 8)

    b.row("Vertices")
    vertex = "{{vertex_name}}"
    b.add(timeseries("Back-pressured time per vertex", "Share of time the worst subtask of each vertex waited for "
                     "output buffers (Flink 1.13+). The vertex after the most back-pressured one is the bottleneck.",
                     "percentunit", [target(f"flink_vertex_backpressured_ratio{sel(JOBSEL, m('stat', '=', 'max'))}", vertex)]),
          8, 8)
    b.add(timeseries("Busy time per vertex", "Share of time the worst subtask of each vertex was busy (Flink 1.13+).",
                     "percentunit", [target(f"flink_vertex_busy_ratio{sel(JOBSEL, m('stat', '=', 'max'))}", vertex)]), 8, 8)
    b.add(timeseries("Idle time per vertex", "Share of time the subtasks of each vertex waited for input "
                     "(average over subtasks, Flink 1.11+).",
                     "percentunit", [target(f"flink_vertex_idle_ratio{sel(JOBSEL, m('stat', '=', 'avg'))}", vertex)]), 8, 8)
    b.add(table("Back-pressure level", "Back-pressure level of each vertex (ok ≤ 0.1, low ≤ 0.5, high). On "
                "Flink 1.12 and older only with the exporter's backpressure_sampling.",
                f"flink_vertex_backpressure_level{sel(JOBSEL)} == 1", ["flink_cluster", "vertex_name", "level", "job_id"],
                no_value="no level reported"), 8, 8)
    b.add(timeseries("Records in per vertex", "Records per second received by each vertex, summed over subtasks.",
                     "cps", [target(f"rate(flink_vertex_records_in_total{sel(JOBSEL)}[$__rate_interval])", vertex)]), 8, 8)
    b.add(timeseries("Records out per vertex", "Records per second emitted by each vertex, summed over subtasks.",
                     "cps", [target(f"rate(flink_vertex_records_out_total{sel(JOBSEL)}[$__rate_interval])", vertex)]), 8, 8)
    b.add(timeseries("Watermark lag per vertex", "Now minus the lowest input watermark of each vertex: how far "
                     "event time is behind.",
                     "s", [target(f"time() - flink_vertex_watermark_timestamp_seconds{sel(JOBSEL)}", vertex)]), 12, 8)
    b.add(timeseries("Output buffer usage", "Usage of the output buffer pools of the worst subtask of each vertex; "
                     "near 1 means back-pressure from downstream (all Flink versions).",
                     "percentunit", [target(f"flink_vertex_output_buffer_usage_ratio{sel(JOBSEL, m('stat', '=', 'max'))}",
                                            vertex)]), 12, 8)

    b.row("TaskManagers and Mesos tasks")
    tm_info = f"flink_taskmanager_info{sel(FLINK)}"
    with_framework = (f"{tm_info}\n  * on ({EXP}, flink_cluster) group_left (mesos_cluster, framework_id)\n"
                      f"max by ({EXP}, flink_cluster, mesos_cluster, framework_id) (flink_cluster_info{sel(FLINK)})")
    with_master = (f"({with_framework})\n  * on ({EXP}, mesos_cluster) group_left (master)\n"
                   f"max by ({EXP}, mesos_cluster, master) (mesos_master_info{sel(BASE, m('leader', '=', 'true'))})")
    tms = f"(\n{with_master}\n  or on ({EXP}, flink_cluster, tm_id)\n{tm_info}\n)\n  {in_job_cluster}"
    b.add(table("TaskManagers", "TaskManagers of the job's cluster and, for Flink on Mesos, their Mesos task, "
                "agent and task state. The Mesos task id opens the task in the Mesos web UI of the leading "
                "master, the agent id the agent.",
                tms, ["flink_cluster", "tm_id", "host", "mesos_task_state", "mesos_task_id", "agent_id", "hostname",
                      "framework_id", "master"],
                links={"mesos_task_id": [link("Open the task in the Mesos web UI", MESOS_UI_TASK, blank=True)],
                       "agent_id": [link("Open the agent in the Mesos web UI", MESOS_UI_AGENT, blank=True)]},
                no_value="no TaskManagers"), 24, 7)
    tm = "{{tm_id}}"
    b.add(timeseries("Heap used", "JVM heap in use per TaskManager (with the exporter's taskmanager_metrics).",
                     "bytes", [target(f"flink_taskmanager_heap_used_bytes{sel(FLINK)} {in_job_cluster}", tm)]), 8, 8)
    b.add(timeseries("Heap used of max", "JVM heap used / heap max per TaskManager "
                     "(tm_id:flink_taskmanager_heap_used_per_max:ratio).",
                     "percentunit", [target(f"tm_id:flink_taskmanager_heap_used_per_max:ratio{sel(FLINK)} {in_job_cluster}",
                                            tm)]), 8, 8)
    b.add(timeseries("Time in garbage collection", "Share of wall-clock time each TaskManager spent in GC, all "
                     "collectors.",
                     "percentunit", [target("sum without (gc) (" + over("rate", "flink_taskmanager_gc_time_seconds_total", FLINK) +
                                            f") {in_job_cluster}",
                                            tm)]), 8, 8)
    b.add(timeseries("Free slots", "Free task slots per TaskManager.",
                     "none", [target(f"flink_taskmanager_slots_free{sel(FLINK)} {in_job_cluster}", tm)]), 8, 8)
    b.add(timeseries("Heartbeat age", "Time since the JobManager last heard from each TaskManager.",
                     "s", [target(f"time() - flink_taskmanager_last_heartbeat_timestamp_seconds{sel(FLINK)} {in_job_cluster}",
                                  tm)]), 8, 8)
    b.add(timeseries("TaskManager failures since the exporter started", "TaskManager Mesos tasks of the job's "
                     "cluster that ended, by state and reason; every step up is a TaskManager that died.",
                     "none", [target(f"flink_cluster_taskmanager_task_failures_total{sel(FLINK)} {in_job_cluster}",
                                     "{{state}} {{reason}}")], no_value="no TaskManager failures"), 8, 8)
    return b


# --- Mesos cluster ---------------------------------------------------------------------------

def mesos_cluster():
    b = Board(UID_MESOS, "Mesos cluster",
              "Mesos clusters: leader and elections first, then agents, resources, frameworks, tasks and "
              "terminations, the masters' event queues and the exporter's event stream.",
              [var_datasource(), var_job(), var_instance(), var_mesos_cluster(".+")])
    leader_master = (f"max by ({EXP}, mesos_cluster, master) "
                     f"(mesos_master_info{sel(MESOS, m('leader', '=', 'true'))})")

    b.row("Leader and masters")
    b.add(stat("Elected leaders", "Masters claiming leadership (1 is healthy; 0 for long fires MesosNoLeader).",
               "none", [target(f"mesos_cluster:mesos_master_elected:sum{sel(MESOS)}", "{{mesos_cluster}}",
                               instant=True)], thr=thresholds("red", (1, "green"), (2, "red"))), 4, 4)
    b.add(stat("Leader changes in the last hour", "Changes of mesos_master_elected over all masters in the last "
               "hour (mesos_cluster:mesos_master_elected:changes1h); one failover makes about two.",
               "none", [target(f"mesos_cluster:mesos_master_elected:changes1h{sel(MESOS)}", "{{mesos_cluster}}",
                               instant=True)], thr=thresholds("green", (1, "orange"), (3, "red")), decimals=0), 4, 4)
    b.add(stat("Masters answering", "Masters that answered the exporter's last poll.",
               "none", [target(f"sum without (master) (mesos_master_up{sel(MESOS)})", "{{mesos_cluster}}",
                               instant=True)]), 4, 4)
    b.add(table("Masters", "Each master's version and whether it leads. The master URL opens its web UI.",
                f"mesos_master_info{sel(MESOS)}", ["mesos_cluster", "master", "leader", "version"],
                links={"master": [link("Open the Mesos web UI", "${__data.fields.master}", blank=True)]}), 12, 4)
    b.add(state_timeline("Elected master", "Which master was the elected leader over time.",
                         [target(f"mesos_master_elected{sel(MESOS)}", "{{master}}")],
                         value_map([(1, "leader", "green"), (0, "standby", "transparent")])), 12, 7)
    b.add(timeseries("Master uptime", "Time since each master process started; a drop is a restart.",
                     "s", [target(f"mesos_master_uptime_seconds{sel(MESOS)}", "{{master}}")]), 12, 7)

    b.row("Agents")
    b.add(timeseries("Agents by state", "Agents known to the elected master: active, inactive (draining or in "
                     "maintenance) and unreachable.",
                     "none", [target(f"mesos_agents{sel(MESOS)}", "{{mesos_cluster}} {{state}}")], stack=True), 8, 8)
    b.add(table("Agents not active", "Agents that are inactive or unreachable now. The agent id opens it in "
                "the Mesos web UI.",
                (f"(mesos_agent_state{sel(MESOS, m('state', '!=', 'active'))} == 1)\n"
                 f"  * on ({EXP}, mesos_cluster) group_left (master)\n{leader_master}\n"
                 f"or\n(mesos_agent_state{sel(MESOS, m('state', '!=', 'active'))} == 1)"),
                ["mesos_cluster", "hostname", "state", "agent_id", "master"],
                links={"agent_id": [link("Open the agent in the Mesos web UI", MESOS_UI_AGENT, blank=True)]},
                no_value="every agent is active"), 8, 8)
    b.add(bargauge("Agents by memory allocated, top 10", "Share of each agent's memory allocated to tasks "
                   "(agent_id:mesos_agent_memory_bytes_used_per_total:ratio).",
                   "percentunit", [target(f"topk(10, agent_id:mesos_agent_memory_bytes_used_per_total:ratio{sel(MESOS)})",
                                          "{{hostname}}", instant=True)],
                   thr=thresholds("green", (0.8, "orange"), (0.95, "red")), max_value=1), 8, 8)

    b.row("Resources")
    b.add(timeseries("Allocated share", "Share of the cluster's CPUs, memory and disk allocated to tasks "
                     "(mesos_cluster:mesos_cluster_*_used_per_total:ratio); MesosResourcesExhausted fires above 0.9.",
                     "percentunit", [
                         target(f"mesos_cluster:mesos_cluster_cpus_used_per_total:ratio{sel(MESOS)}", "CPUs {{mesos_cluster}}"),
                         target(f"mesos_cluster:mesos_cluster_memory_bytes_used_per_total:ratio{sel(MESOS)}",
                                "memory {{mesos_cluster}}"),
                         target(f"mesos_cluster:mesos_cluster_disk_bytes_used_per_total:ratio{sel(MESOS)}",
                                "disk {{mesos_cluster}}")]), 6, 8)
    b.add(timeseries("CPUs", "CPUs of all agents: total and allocated to tasks.",
                     "none", [target(f"mesos_cluster_cpus{sel(MESOS)}", "{{usage}} {{mesos_cluster}}")]), 6, 8)
    b.add(timeseries("Memory", "Memory of all agents: total and allocated to tasks.",
                     "bytes", [target(f"mesos_cluster_memory_bytes{sel(MESOS)}", "{{usage}} {{mesos_cluster}}")]), 6, 8)
    b.add(timeseries("Disk", "Disk of all agents: total and allocated to tasks.",
                     "bytes", [target(f"mesos_cluster_disk_bytes{sel(MESOS)}", "{{usage}} {{mesos_cluster}}")]), 6, 8)

    b.row("Frameworks")
    name = f"* on ({EXP}, mesos_cluster, framework_id) group_left (framework_name) mesos_framework_info{sel(MESOS)}"
    b.add(timeseries("Frameworks by state", "Frameworks known to the elected master, active or inactive.",
                     "none", [target(f"mesos_frameworks{sel(MESOS)}", "{{mesos_cluster}} {{state}}")], stack=True), 6, 8)
    b.add(table("Frameworks", "Registered frameworks, whether their scheduler is connected, and their web UI "
                "(for a Flink cluster, its JobManager).",
                f"mesos_framework_connected{sel(MESOS)}\n  * on ({EXP}, mesos_cluster, framework_id) "
                f"group_left (framework_name, role, webui_url)\nmesos_framework_info{sel(MESOS)}",
                ["mesos_cluster", "framework_name", "role", "framework_id", "webui_url"],
                links={"webui_url": [link("Open the framework's web UI", "${__data.fields.webui_url}", blank=True)]},
                value_name="connected", value_mappings=value_map([(1, "connected", "green"),
                                                                  (0, "disconnected", "red")])), 10, 8)
    b.add(timeseries("Running tasks per framework", "Tasks in TASK_RUNNING per framework.",
                     "none", [target(f"mesos_framework_tasks{sel(MESOS, m('state', '=', 'TASK_RUNNING'))}\n  {name}",
                                     "{{framework_name}}")]), 8, 8)

    b.row("Tasks")
    b.add(timeseries("Tasks by state", "Non-terminal tasks across the cluster, by state.",
                     "none", [target(f"mesos_tasks{sel(MESOS)} > 0", "{{state}} {{mesos_cluster}}")], stack=True), 8, 8)
    b.add(timeseries("Terminations by reason", "Tasks reaching a terminal state per second, by state and reason "
                     "(task source summed over). REASON_CONTAINER_LIMITATION_MEMORY is an OOM kill.",
                     "cps", [target(f"sum without (source) (rate(mesos_task_terminations_total{sel(MESOS)}[$__rate_interval]))",
                                    "{{state}} {{reason}}")]), 8, 8)
    b.add(bargauge("Terminations in the time range", "Tasks that reached a terminal state within the dashboard's "
                   "time range, by state and reason. A count missing at the start of the range counts as 0; "
                   "counts restart when leadership moves.",
                   "none", [target(
                       f"sum without (source) (clamp_min(mesos_task_terminations_total{sel(MESOS)}\n"
                       f"  - (mesos_task_terminations_total{sel(MESOS)} offset $__range\n"
                       f"     or 0 * mesos_task_terminations_total{sel(MESOS)}), 0)) > 0",
                       "{{state}} {{reason}}", instant=True)], no_value="no terminations", decimals=0), 8, 8)

    b.row("Master event queue and event stream")
    b.add(timeseries("Master event queue", "Messages waiting in each master's actor queue; a queue that keeps "
                     "growing means an overloaded master (MesosMasterBacklog above 1000).",
                     "none", [target(f"mesos_master_event_queue_messages{sel(MESOS)}", "{{master}}")]), 8, 8)
    b.add(state_timeline("Event stream connected", "Whether the exporter is subscribed to the elected master's "
                         "v1 event stream (not used when the state origin is polling).",
                         [target(f"mesos_event_stream_connected{sel(MESOS)}", "{{mesos_cluster}}")],
                         value_map([(1, "connected", "green"), (0, "disconnected", "red")])), 8, 4)
    b.add(table("State origin", "Where per-agent, per-framework and task state comes from: event_stream or polling.",
                f"mesos_state_source_info{sel(MESOS)}", ["mesos_cluster", "origin"]), 8, 4)
    b.add(timeseries("Events per second", "Events received on the stream, by type (heartbeats every 15 s).",
                     "cps", [target(f"rate(mesos_event_stream_events_total{sel(MESOS)}[$__rate_interval])",
                                    "{{event_type}}")]), 8, 8)
    b.add(timeseries("Time since the last event", "Seconds since the stream last delivered anything; above about "
                     "30 the stream is stalled.",
                     "s", [target(f"time() - mesos_event_stream_last_event_timestamp_seconds{sel(MESOS)}",
                                  "{{mesos_cluster}}")]), 8, 4)
    b.add(timeseries("Event stream reconnects", "Working subscriptions that ended (stream broke, went silent, "
                     "leader changed), per rate interval.",
                     "none", [target(f"increase(mesos_event_stream_reconnects_total{sel(MESOS)}[$__rate_interval])",
                                     "{{mesos_cluster}}")], bars=True), 8, 4)
    return b


# --- the exporter ----------------------------------------------------------------------------

def exporter():
    b = Board(UID_EXPORTER, "flink-mesos-exporter",
              "The exporter's own health: is it scraped, which targets fail and why, how long polls take, "
              "how fresh the data is, how many series it serves and how much it asks of the upstreams.",
              [var_datasource(), var_job(), var_instance(), var_target()])

    b.row("Health")
    b.add(stat("Scraped", "Whether Prometheus' last scrape of each exporter succeeded (up).",
               "none", [target(f"up{sel(BASE)}", "{{instance}}", instant=True)], mappings=UP_DOWN,
               thr=thresholds("red", (1, "green")), color_mode="background"), 4, 4)
    b.add(stat("Targets failing", "Targets whose last poll failed.",
               "none", [target(f"count(flink_mesos_exporter_poll_success{sel(TARGET)} == 0) or vector(0)", instant=True)],
               thr=thresholds("green", (1, "red"))), 4, 4)
    b.add(stat("Snapshot age", "Age of the published snapshot at scrape time; above 180 s "
               "FlinkMesosExporterSnapshotStale fires.",
               "s", [target(f"max(flink_mesos_exporter_snapshot_age_seconds{sel(BASE)})", instant=True)],
               thr=thresholds("green", (60, "orange"), (180, "red"))), 4, 4)
    b.add(stat("Series", "flink_* and mesos_* series in the last rendering (self-metrics not counted).",
               "none", [target(f"sum(flink_mesos_exporter_series{sel(BASE)})", instant=True)]), 4, 4)
    b.add(table("Build", "Version and revision of each exporter.",
                f"flink_mesos_exporter_build_info{sel(BASE)}", ["instance", "version", "revision"]), 8, 4)

    b.row("Polls")
    b.add(state_timeline("Poll success", "Whether the last poll of each target succeeded.",
                         [target(f"flink_mesos_exporter_poll_success{sel(TARGET)}", "{{source}} {{target}}")],
                         value_map([(1, "ok", "green"), (0, "failed", "red")])), 24, 6)
    b.add(timeseries("Poll duration", "How long the last poll of each target took, all its HTTP requests included.",
                     "s", [target(f"flink_mesos_exporter_poll_duration_seconds{sel(TARGET)}", "{{source}} {{target}}")]),
          8, 8)
    b.add(timeseries("Time since the last successful poll", "Seconds since each target was last polled "
                     "successfully.",
                     "s", [target(f"time() - flink_mesos_exporter_last_success_timestamp_seconds{sel(TARGET)}",
                                  "{{source}} {{target}}")]), 8, 8)
    b.add(timeseries("Snapshot age", "Age of the published snapshot over time.",
                     "s", [target(f"flink_mesos_exporter_snapshot_age_seconds{sel(BASE)}", "{{instance}}")]), 8, 8)

    b.row("Errors")
    b.add(timeseries("Poll errors by target and kind", "Failed polls per second, by kind: connect, timeout, "
                     "http_status, parse, too_large, redirect, tls, internal.",
                     "cps", [target(f"rate(flink_mesos_exporter_poll_errors_total{sel(TARGET)}[$__rate_interval]) > 0",
                                    "{{target}} {{kind}}")], no_value="no poll errors"), 8, 8)
    b.add(timeseries("Failed calls inside polls", "Upstream calls that failed inside an otherwise successful "
                     "poll, by route and kind; only their series are missing for that poll.",
                     "cps", [target(f"rate(flink_mesos_exporter_endpoint_errors_total{sel(TARGET)}[$__rate_interval]) > 0",
                                    "{{target}} {{endpoint}} {{kind}}")], no_value="no failed calls"), 8, 8)
    b.add(timeseries("Responses other than 2xx", "Upstream requests per second that did not get a 2xx answer, by "
                     "status code or error kind.",
                     "reqps", [target("sum without (endpoint) (" + over("rate", "flink_mesos_exporter_upstream_requests_total",
                                                                         TARGET, m("code", "!~", "2..")) + ") > 0",
                                      "{{target}} {{code}}")], no_value="every request answered 2xx"), 8, 8)

    b.row("Upstream requests")
    b.add(timeseries("Requests per target", "HTTP requests per second the exporter sends to each target "
                     "(source_target:flink_mesos_exporter_upstream_requests:rate5m).",
                     "reqps", [target(f"source_target:flink_mesos_exporter_upstream_requests:rate5m{sel(TARGET)}",
                                      "{{source}} {{target}}")]), 12, 8)
    b.add(timeseries("Requests per endpoint", "HTTP requests per second by route, over the selected targets.",
                     "reqps", [target("sum without (target, code) (" +
                                      over("rate", "flink_mesos_exporter_upstream_requests_total", TARGET) + ")",
                                      "{{source}} {{endpoint}}")], legend_table=True), 12, 8)

    b.row("Series")
    b.add(timeseries("Series exported", "flink_* and mesos_* series in each rendering.",
                     "none", [target(f"flink_mesos_exporter_series{sel(BASE)}", "{{instance}}")]), 12, 7)
    b.add(timeseries("Series dropped", "Series left out per second because a limit was reached "
                     "(max_subtask_series).",
                     "cps", [target(f"rate(flink_mesos_exporter_series_dropped_total{sel(TARGET)}[$__rate_interval])",
                                    "{{target}}")]), 12, 7)
    return b


DASHBOARDS = {
    "flink-fleet-overview.json": fleet_overview,
    "flink-job.json": flink_job,
    "mesos-cluster.json": mesos_cluster,
    "flink-mesos-exporter.json": exporter,
}


def render():
    """{file name: JSON text} of every dashboard."""
    return {name: json.dumps(build().json(), indent=2, ensure_ascii=False) + "\n"
            for name, build in DASHBOARDS.items()}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        sys.exit("usage: generate.py [--check]")
    stale = []
    for name, text in render().items():
        path = os.path.join(here, name)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                current = f.read()
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {name}")
    if stale:
        print("out of date (run dashboards/generate.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
