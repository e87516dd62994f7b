// The flink_* families of one Flink target: cluster overview, jobs, vertices, subtasks,
// TaskManagers and the JobManager. Called by RenderSnapshot (snapshot_renderer.h) once per
// polled Flink target; identity labels come first, in the order flink_cluster, job_id,
// job_name, vertex_id, vertex_name, subtask / tm_id. Thread-safe as long as each thread
// passes its own buffers.
#pragma once

#include "exposition/family_buffers.h"
#include "exposition/mesos_join.h"
#include "fme/snapshot.h"

namespace fme::exposition {

// Appends the target's samples: only flink_up while it is down.
// `mesos` is the framework the cluster runs as, when it is on Mesos and the join is possible.
void RenderFlinkTarget(const TargetState& target, const MesosLink* mesos, FamilyBuffers& fb,
                       LabelScratch& scratch);

// Asks for the memory RenderFlinkTarget will read first, ahead of time.
void PrefetchFlink(const FlinkObservation& observation);

}  // namespace fme::exposition
