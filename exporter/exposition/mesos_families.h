// The mesos_* families of one Mesos target: masters and the elected master's cluster-wide
// figures. Called by RenderSnapshot (snapshot_renderer.h) once per polled Mesos target.
// Thread-safe as long as each thread passes its own buffers.
#pragma once

#include "exposition/family_buffers.h"
#include "fme/snapshot.h"

namespace fme::exposition {

// Appends the target's samples: only mesos_up while it is down.
void RenderMesosTarget(const TargetState& target, FamilyBuffers& fb, LabelScratch& scratch);

// Asks for the memory RenderMesosTarget will read first, ahead of time.
void PrefetchMesos(const MesosObservation& observation);

}  // namespace fme::exposition
