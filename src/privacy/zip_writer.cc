#include "privacy/zip_writer.h"

#include <Poco/DateTime.h>
#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <Poco/Timestamp.h>
#include <Poco/Zip/Compress.h>

#include <ctime>
#include <fstream>
#include <sstream>

namespace entraide::privacy {

struct ZipWriter::Impl {
  std::string path;
  std::ofstream out;
  std::unique_ptr<Poco::Zip::Compress> zip;
  Poco::DateTime mtime;

  // Adds `in` as `name`: stored as is when its extension says it is compressed already, else deflated.
  core::Status Add(std::istream& in, const std::string& name) {
    if (!zip) return core::Internal("the archive " + path + " is closed");
    try {
      zip->addFile(in, mtime, Poco::Path(name, Poco::Path::PATH_UNIX), Poco::Zip::ZipCommon::CM_AUTO,
                   Poco::Zip::ZipCommon::CL_NORMAL);
    } catch (const Poco::Exception& e) {
      return core::Unavailable("cannot add " + name + " to " + path + ": " + e.displayText());
    }
    if (!out) return core::Unavailable("cannot write " + path);
    return core::Status::Ok();
  }
};

ZipWriter::ZipWriter() : impl_(new Impl) {}

ZipWriter::~ZipWriter() = default;

core::StatusOr<std::unique_ptr<ZipWriter>> ZipWriter::Create(const std::string& path, int64_t mtime) {
  std::unique_ptr<ZipWriter> w(new ZipWriter);
  w->impl_->path = path;
  w->impl_->out.open(path, std::ios::binary | std::ios::trunc);
  if (!w->impl_->out) return core::Unavailable("cannot create " + path);
  w->impl_->mtime = Poco::DateTime(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(mtime)));
  // A seekable file: each entry's sizes are written in its own header (the smallest, most readable archive).
  w->impl_->zip = std::make_unique<Poco::Zip::Compress>(w->impl_->out, true);
  w->impl_->zip->setStoreExtensions({"gif", "jpg", "jpeg", "png", "webp", "zip", "gz",   "bz2",  "xz",   "7z",
                                     "mp3", "mp4", "mov",  "odt", "ods",  "odp", "docx", "xlsx", "pptx", "pdf"});
  return w;
}

core::Status ZipWriter::AddText(const std::string& name, const std::string& text) {
  std::istringstream in(text);
  return impl_->Add(in, name);
}

core::Status ZipWriter::AddFile(const std::string& name, const std::string& source_path) {
  std::ifstream in(source_path, std::ios::binary);
  if (!in) return core::Unavailable("cannot read " + source_path);
  return impl_->Add(in, name);
}

core::Status ZipWriter::Close() {
  if (!impl_->zip) return core::Status::Ok();
  try {
    impl_->zip->close();
  } catch (const Poco::Exception& e) {
    return core::Unavailable("cannot finish " + impl_->path + ": " + e.displayText());
  }
  impl_->zip.reset();
  impl_->out.close();
  if (!impl_->out) return core::Unavailable("cannot write " + impl_->path);
  return core::Status::Ok();
}

std::string ZipEntryName(const std::string& folder, int64_t id, const std::string& filename) {
  std::string safe;
  for (char c : filename) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    safe += ok ? c : '_';
  }
  if (safe.empty()) safe = "file";
  return folder + "/" + std::to_string(id) + "-" + safe;
}

}  // namespace entraide::privacy
