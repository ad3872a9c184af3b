// What the test binding controls and reads of the host emulation (emulator.cc).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nc_host {

struct Options {
  bool reverse = false;  // run blocks, and the threads of a block, last first
};
Options& CurrentOptions();  // of this thread

// One launch: its kernel as written in NC_LAUNCH, and its configuration.
struct LaunchRecord {
  std::string kernel;
  unsigned grid, block;
};
std::vector<LaunchRecord> TakeLog();  // this thread's launches since the last take

struct GridCapEntry {
  int64_t defaultValue, value;
};
using GridCaps = std::map<std::string, GridCapEntry>;
GridCaps& Caps();  // every NC_GRID_CAP, by name (the tests set them between launches)

int64_t LiveAllocations();  // cudaMallocAsync blocks not yet freed

}  // namespace nc_host
