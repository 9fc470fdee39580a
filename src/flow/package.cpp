#include "flow/package.h"

#include <zip.h>

#include <memory>
#include <optional>

#include "flow/errors.h"
#include "json/lookup.h"

namespace runnel::flow {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         json::EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

// The flow's name when `path` is a member that holds a flow, else nullopt.
std::optional<std::string> FlowNameOf(std::string_view path) {
  std::vector<std::string_view> parts = Split(path);
  if (parts.size() == 4 && json::EqualsIgnoreCase(parts[0], "Microsoft.Flow") &&
      json::EqualsIgnoreCase(parts[1], "flows") &&
      json::EqualsIgnoreCase(parts[3], "definition.json") && !parts[2].empty()) {
    return std::string(parts[2]);
  }
  if (parts.size() == 2 && json::EqualsIgnoreCase(parts[0], "Workflows") &&
      EndsWithIgnoreCase(parts[1], ".json") && parts[1].size() > 5) {
    return std::string(parts[1].substr(0, parts[1].size() - 5));
  }
  if (parts.size() == 2 && json::EqualsIgnoreCase(parts[1], "workflow.json") && !parts[0].empty()) {
    return std::string(parts[0]);
  }
  return std::nullopt;
}

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

Error PackageError(std::string message) { return Error(errc::kInvalidPackage, std::move(message)); }

Result<std::string> ReadMember(zip_t* archive, zip_uint64_t index, std::string_view path,
                               size_t limit) {
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive, index, 0));
  if (!file) {
    return PackageError("cannot open member '" + std::string(path) +
                        "': " + zip_error_strerror(zip_get_error(archive)));
  }
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      return PackageError("cannot read member '" + std::string(path) +
                          "': " + zip_error_strerror(zip_file_get_error(file.get())));
    }
    if (n == 0) break;
    // Checked while reading: the size in the directory may lie.
    if (text.size() + static_cast<size_t>(n) > limit) {
      return Error(errc::kFileTooLarge, "member '" + std::string(path) + "' is larger than " +
                                            std::to_string(limit) + " bytes uncompressed");
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

bool LooksLikeZip(std::string_view data) {
  return data.size() >= 4 && data[0] == 'P' && data[1] == 'K' &&
         ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

Result<std::vector<PackageMember>> ReadPackage(std::string_view data, const PackageLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(data.data(), data.size(), 0, &error);
  if (!source) {
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    return PackageError("cannot read the zip archive: " + message);
  }
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!archive) {
    std::string message = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return PackageError("not a readable zip archive: " + message);
  }
  zip_error_fini(&error);

  std::vector<PackageMember> members;
  size_t total = 0;
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_NAME)) {
      continue;
    }
    std::string_view path = stat.name;
    std::optional<std::string> flow_name = FlowNameOf(path);
    if (!flow_name) continue;
    if ((stat.valid & ZIP_STAT_SIZE) && stat.size > limits.max_member_bytes) {
      return Error(errc::kFileTooLarge, "member '" + std::string(path) + "' is " +
                                            std::to_string(stat.size) +
                                            " bytes uncompressed; the limit is " +
                                            std::to_string(limits.max_member_bytes));
    }
    size_t budget = std::min(limits.max_member_bytes, limits.max_total_bytes - total);
    RUNNEL_TRY(text, ReadMember(archive.get(), static_cast<zip_uint64_t>(i), path, budget));
    total += text.size();
    members.push_back({std::string(path), std::move(*flow_name), std::move(text)});
  }
  if (members.empty()) {
    return Error(
        errc::kNoDefinition,
        "the zip package holds no flow; expected Microsoft.Flow/flows/<id>/definition.json "
        "(export package), Workflows/<name>.json (solution) or <name>/workflow.json "
        "(Logic Apps Standard project)");
  }
  return members;
}

}  // namespace runnel::flow
