// The mesos_* families of one Mesos target: masters, the elected master's cluster-wide figures
// and terminations, agents and frameworks (from the event stream or polled), and the event
// stream's health. Called by RenderSnapshot (snapshot_renderer.h) once per polled Mesos target;
// identity labels come first, in the order mesos_cluster, then master, agent_id + hostname or
// framework_id. Thread-safe as long as each thread passes its own buffers.
#pragma once

#include "exposition/family_buffers.h"
#include "fme/snapshot.h"

namespace fme::exposition {

// Appends the target's samples: only mesos_up while it is down.
void RenderMesosTarget(const TargetState& target, FamilyBuffers& fb, LabelScratch& scratch);

// Asks for the memory RenderMesosTarget will read first, ahead of time.
void PrefetchMesos(const MesosObservation& observation);

}  // namespace fme::exposition
