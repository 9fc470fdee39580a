// Zip packages that carry flows, told apart from other files by their magic bytes:
//   - Power Automate export packages: Microsoft.Flow/flows/<id>/definition.json
//   - Dataverse solutions: Workflows/<name>.json
//   - Logic Apps Standard projects: <name>/workflow.json
// Only those members are read, each at most PackageLimits::max_member_bytes uncompressed, so a
// zip bomb costs at most the limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flow/load_limits.h"

namespace runnel::flow {

struct PackageLimits {
  size_t max_member_bytes = kMaxPackageMemberBytes;
  size_t max_total_bytes = kMaxPackageTotalBytes;
};

struct PackageMember {
  std::string path;       // inside the archive
  std::string flow_name;  // the export's flow id, the solution file's stem, the project folder
  std::string text;       // uncompressed content
};

// True when `data` starts like a zip archive ("PK\3\4", or "PK\5\6" for an empty one).
bool LooksLikeZip(std::string_view data);

// The flow members of the archive in `data`, in archive order. Fails with InvalidPackage when the
// archive cannot be read, FileTooLarge past a limit, NoDefinition when no member holds a flow.
Result<std::vector<PackageMember>> ReadPackage(std::string_view data,
                                               const PackageLimits& limits = PackageLimits());

}  // namespace runnel::flow
