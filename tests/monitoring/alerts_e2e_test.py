#!/usr/bin/env python3
"""The shipped alerting rules against the simulator's scripted incidents, end to end.

Prometheus loads rules/*.yml unchanged and scrapes the exporter every second; the exporter polls
the simulator every second. The test watches Prometheus' /api/v1/alerts (and, at the end, the
ALERTS series, so that nothing is missed between two looks) and checks that each incident makes
its intended alert pending or firing, with the labels that name what broke. Three runs, one per
ctest test:

incidents  config/scenarios/incidents.yml at speed 8: the tour of every incident type that
           the demo shows.
provoked   tests/monitoring/scenarios/alerts-provoked.yml at speed 10: what the tour cannot
           show within a few minutes (two leader failovers, a Mesos outage, a crash-looping
           TaskManager, a checkpoint stall older than 10 minutes, a vertex busy for good, slow
           checkpoints, a series limit), and finally the exporter itself going away.
healthy    config/scenarios/healthy.yml at speed 8 for 60 s: no alert may become pending.

Two things make the alerts provable in minutes rather than hours:
- The TaskManager alerts count a Mesos task failure only if the exporter already watched the
  cluster 15 minutes earlier (`flink_cluster_taskmanagers_unmatched offset 15m`), so that a
  restarted exporter does not page for old failures. A fresh Prometheus has no such past, so
  the harness backfills that one series, at 0 ("watched, every TaskManager matched"), for the
  20 minutes before the run.
- Simulated timestamps follow simulated time, which runs faster than Prometheus' clock. The
  checkpoint-stall alert needs a checkpoint older than 10 minutes by Prometheus' clock, so the
  provoked run starts simulated time 560 s behind the wall clock. Every other job of that
  scenario checkpoints at least every 20 s (at most 30 s of age), which keeps them below the
  600 s limit; a job whose checkpoints stall crosses it within half a minute.

Alerts the shipped rules have but no run provokes, and why (each has promtool unit tests):
- FlinkWatermarkStalled: no incident freezes a watermark while records flow.
- FlinkNoFreeSlots: the simulator never leaves subtasks SCHEDULED for want of a slot.
- MesosMasterBacklog: the simulated masters' event queues stay short.
- MesosResourcesExhausted: allocation is fixed by the scenario's sizes, no incident raises it.
- FlinkMesosExporterSnapshotStale: needs polling to stall for 3 minutes.
- FlinkMesosExporterConfigReloadFailed: the exporter does not export reload status yet.

Usage: alerts_e2e_test.py <exporter binary> <simulator binary> <repository root> incidents|provoked|healthy
"""

import os
import sys
import time

import stack


def expect(incident, alert, **labels):
    return {"incident": incident, "alert": alert, "labels": labels, "seen": None}


RUNS = {
    "incidents": {
        "scenario": ("config", "scenarios", "incidents.yml"),
        "speed": 8,
        "lag": 0,
        "end": 600,  # simulated seconds: the scheduled fault ends at 9:50
        # An expected job, so that the cancelled job has an alert that speaks for it.
        "flink_extra": {"reporting": {"expected_jobs": ["audit-export"]}},
        "expect": [
            expect("1:00-4:00 backpressure on clickstream-enrichment vertex 1", "FlinkVertexBackpressured",
                   flink_cluster="Flink", job_name="clickstream-enrichment", vertex_name="Timestamps/Watermarks"),
            expect("1:30-3:00 failing checkpoints of fraud-detection", "FlinkCheckpointsFailing",
                   flink_cluster="Flink", job_name="fraud-detection"),
            expect("2:00 taskmanager-00002 OOM-killed", "FlinkTaskManagerOOMKilled",
                   flink_cluster="Flink", reason="REASON_CONTAINER_LIMITATION_MEMORY"),
            expect("2:00 OOM kill + 4:00 agent lost: two restarts", "FlinkJobRestarting",
                   flink_cluster="Flink", job_name="clickstream-enrichment"),
            expect("2:30-3:30 taskmanager-00004 a zombie: its Mesos task ended, Flink still lists it",
                   "FlinkTaskManagerLost", flink_cluster="Flink", state="TASK_FAILED",
                   reason="REASON_EXECUTOR_TERMINATED"),
            expect("3:30-6:00 checkpoints of hourly-rollup time out", "FlinkCheckpointsFailing",
                   flink_cluster="reporting", job_name="hourly-rollup"),
            expect("4:00-8:00 agent 10.16.0.4 lost", "MesosAgentsUnreachable",
                   mesos_cluster="sim", hostname="10.16.0.4"),
            expect("4:00 agent lost takes taskmanager-00003", "FlinkTaskManagerLost",
                   flink_cluster="Flink", state="TASK_LOST", reason="REASON_AGENT_REMOVED"),
            expect("5:00-6:00 reporting JobManager unreachable", "FlinkClusterDown", flink_cluster="reporting"),
            expect("5:00-6:00 reporting JobManager unreachable", "FlinkMesosExporterTargetDown",
                   source="flink", target="reporting"),
            expect("6:30 audit-export cancelled", "FlinkExpectedJobMissing",
                   flink_cluster="reporting", pattern="audit-export"),
            expect("7:00 billing-export fails", "FlinkJobFailed", flink_cluster="flink-legacy",
                   job_name="billing-export"),
            expect("8:30 flink-legacy upgrade, JobManager down 30 s", "FlinkClusterDown",
                   flink_cluster="flink-legacy"),
            expect("9:30-9:50 Flink job list answers 503", "FlinkClusterDown", flink_cluster="Flink"),
        ],
        # 3:00-5:00 sessionization checkpoint stall: 2 minutes is below FlinkCheckpointStalled's
        # 10-minute floor (the provoked run covers it). 6:00 leader failover: one failover is two
        # changes, MesosLeaderFlapping needs more (the provoked run has two).
    },
    "provoked": {
        "scenario": ("tests", "monitoring", "scenarios", "alerts-provoked.yml"),
        "speed": 10,
        "lag": 560,
        "end": 430,
        "flink_extra": {"Flink": {"subtask_metrics": True, "max_subtask_series": 2}},
        "expect": [
            expect("0:00- checkpoints of 'stalled' stall", "FlinkCheckpointStalled",
                   flink_cluster="Flink", job_name="stalled"),
            expect("0:00- vertex 1 of 'bottleneck' back-pressured", "FlinkVertexBackpressured",
                   flink_cluster="Flink", job_name="bottleneck"),
            expect("0:00- vertex 2 of 'bottleneck' is the busy bottleneck", "FlinkVertexBusy",
                   flink_cluster="Flink", job_name="bottleneck", vertex_name="Filter -> Map"),
            expect("checkpoints of 'slow-checkpoints' take 80 % of their timeout", "FlinkCheckpointNearTimeout",
                   flink_cluster="Flink", job_name="slow-checkpoints"),
            expect("per-subtask series above max_subtask_series", "FlinkMesosExporterSeriesDropped",
                   source="flink", target="Flink"),
            expect("0:20-2:20 crashloop's TaskManager OOM-killed five times", "FlinkTaskManagerOOMKilled",
                   flink_cluster="crashloop", reason="REASON_CONTAINER_LIMITATION_MEMORY"),
            expect("0:20-2:20 five restarts of 'flaky'", "FlinkJobRestartStorm",
                   flink_cluster="crashloop", job_name="flaky"),
            expect("1:40 leader failover with 60 s without a leader", "MesosNoLeader", mesos_cluster="sim"),
            expect("1:40 leader failover: the event stream has no leader to follow", "FlinkMesosExporterEventStreamDown",
                   mesos_cluster="sim"),
            expect("2:40-3:10 two agents lost, ~20 tasks each", "MesosTaskFailureRate",
                   mesos_cluster="sim", state="TASK_LOST", reason="REASON_AGENT_REMOVED"),
            expect("2:40-3:10 two agents lost", "MesosAgentsUnreachable", mesos_cluster="sim"),
            expect("4:10 second leader failover", "MesosLeaderFlapping", mesos_cluster="sim"),
            expect("5:30-7:00 every master answers 503", "MesosClusterDown", mesos_cluster="sim"),
        ],
        # Alerts of this run that would be false positives of the clock lag.
        "only": {"FlinkCheckpointStalled": {"job_name": "stalled"}},
        "stop_exporter": expect("the exporter stops", "FlinkMesosExporterDown", job=stack.SCRAPE_JOB),
    },
    "healthy": {
        "scenario": ("config", "scenarios", "healthy.yml"),
        "speed": 8,
        "lag": 0,
        "wall": 60,
        "flink_extra": {"reporting": {"expected_jobs": ["audit-export"]}},
        "expect": [],
    },
}


def backfill_unmatched(s):
    """OpenMetrics: flink_cluster_taskmanagers_unmatched = 0 for the 20 minutes before now."""
    labels = f'job="{stack.SCRAPE_JOB}",instance="{s.exporter_address}"'
    lines = ["# TYPE flink_cluster_taskmanagers_unmatched gauge"]
    now = time.time()
    t = now - 1200
    while t < now - 5:
        for c in s.ports["flink"]:
            if c.get("on_mesos"):
                name = c["name"].replace("\\", "\\\\").replace('"', '\\"')
                for side in ("flink_only", "mesos_only"):
                    lines.append(f'flink_cluster_taskmanagers_unmatched{{flink_cluster="{name}",side="{side}",'
                                 f'{labels}}} 0 {t:.3f}')
        t += 30
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def matches(e, labels):
    return labels.get("alertname") == e["alert"] and all(labels.get(k) == v for k, v in e["labels"].items())


class Watch:
    """Every alert Prometheus reported pending or firing, with when it was first seen."""

    def __init__(self, s):
        self.s = s
        self.seen = {}  # frozenset(labels) -> (state, simulated offset, wall offset)
        self.began = time.monotonic()

    def look(self):
        for a in self.s.prom.alerts():
            key = frozenset(a["labels"].items())
            if key not in self.seen or (a["state"] == "firing" and self.seen[key][0] != "firing"):
                first = self.seen.get(key, (None, self.s.sim_offset_estimate(), time.monotonic() - self.began))
                self.seen[key] = (a["state"], first[1], first[2])

    def look_back(self, start):
        """Adds alerts found in the ALERTS series since `start` (in case a look missed one)."""
        for r in self.s.prom.query_range("ALERTS", start, time.time(), "1s"):
            labels = {k: v for k, v in r["metric"].items() if k not in ("__name__", "alertstate")}
            key = frozenset(labels.items())
            if key not in self.seen:
                self.seen[key] = (r["metric"].get("alertstate", "?"), None, None)

    def find(self, e):
        for key, value in self.seen.items():
            if matches(e, dict(key)):
                return value
        return None


def run(exporter, simulator, root, name):
    cfg = RUNS[name]
    scenario = os.path.join(root, *cfg["scenario"])
    expectations = list(cfg["expect"])
    with stack.Stack(exporter, simulator, root, scenario, lag=cfg["lag"], flink_extra=cfg["flink_extra"],
                     backfill=backfill_unmatched) as s:
        defined = {r["name"] for g in s.prom.rule_groups() for r in g["rules"] if r["type"] == "alerting"}
        unknown = sorted({e["alert"] for e in expectations + [cfg.get("stop_exporter") or expect("", "")]
                          if e["alert"] and e["alert"] not in defined})
        if unknown:
            print(f"FAIL: the loaded rules define no alert named {', '.join(unknown)}")
            return 1
        covered = {e["alert"] for r in RUNS.values() for e in r["expect"] + [r.get("stop_exporter") or expect("", "")]}
        print("alerts no run provokes (covered by promtool unit tests only): " +
              (", ".join(sorted(defined - covered)) or "none"))
        start = time.time() - 2
        s.start_clock(cfg["speed"])
        watch = Watch(s)
        wall = cfg.get("wall") or cfg["end"] / cfg["speed"] + 45
        deadline = time.monotonic() + wall
        while time.monotonic() < deadline:
            time.sleep(0.5)
            watch.look()
            if expectations and all(watch.find(e) for e in expectations):
                break
        watch.look_back(start)
        sim_reached = s.sim_offset()
        if cfg.get("stop_exporter"):
            e = cfg["stop_exporter"]
            stack.stop_process(s.procs.pop("exporter"))
            stop_deadline = time.monotonic() + 30
            while time.monotonic() < stop_deadline and not watch.find(e):
                time.sleep(0.5)
                watch.look()
            expectations.append(e)
    failures = []
    print(f"alerts_e2e_test {name}: {os.path.relpath(scenario, root)} at speed {cfg['speed']}, "
          f"{time.monotonic() - watch.began:.0f}s wall, simulated time reached {sim_reached:.0f}s")
    for e in expectations:
        found = watch.find(e)
        want = ", ".join(f"{k}={v}" for k, v in e["labels"].items())
        if found:
            state, sim_at, wall_at = found
            when = f" at simulated {sim_at:.0f}s ({wall_at:.0f}s wall)" if sim_at is not None else " (from ALERTS)"
            print(f"  ok       {e['incident']}: {e['alert']} {{{want}}} {state}{when}")
        else:
            print(f"  MISSING  {e['incident']}: {e['alert']} {{{want}}}")
            failures.append(e["alert"])
    expected_keys = {key for key in watch.seen for e in expectations if matches(e, dict(key))}
    for key, (state, sim_at, _) in sorted(watch.seen.items(), key=lambda kv: kv[1][1] or 0):
        labels = dict(key)
        if key in expected_keys:
            continue
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in ("job", "instance", "severity"))
        only = cfg.get("only", {}).get(labels["alertname"])
        if name == "healthy" or (only and any(labels.get(k) != v for k, v in only.items())):
            print(f"  UNEXPECTED {shown} {state}")
            failures.append(labels["alertname"])
        else:
            print(f"  also     {shown} {state}")
    if failures:
        print(f"FAIL: {len(failures)} alert check(s) failed: {', '.join(failures)}")
        return 1
    if expectations:
        print(f"alerts_e2e_test {name}: all {len(expectations)} expected alerts seen")
    else:
        print(f"alerts_e2e_test {name}: no alert became pending or firing")
    return 0


def main(argv):
    if len(argv) != 5 or argv[4] not in RUNS:
        sys.exit(f"usage: alerts_e2e_test.py <exporter> <simulator> <repository root> {'|'.join(RUNS)}")
    return run(argv[1], argv[2], argv[3], argv[4])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
