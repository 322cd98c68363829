#include "search/index.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "core/random.h"
#include "core/strings.h"
#include "search/codec.h"
#include "search/text.h"

namespace entraide::search {
namespace fs = std::filesystem;

std::string StubPath(const std::string& data_dir) { return data_dir + "/xapian"; }

namespace {
std::string ReadStubTarget(const std::string& data_dir);
}  // namespace

bool StubExists(const std::string& data_dir) {
  std::error_code ec;
  return fs::is_regular_file(StubPath(data_dir), ec);
}

bool IndexExists(const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(StubPath(data_dir), ec)) return false;
  // The stub alone is not enough: the folder it names must be there too (someone may have deleted it).
  std::string target = ReadStubTarget(data_dir);
  return !target.empty() && fs::exists(data_dir + "/" + target + "/iamglass", ec);
}

namespace {

// The writer lock: flock on data_dir/xapian.lock, released when the fd closes.
class WriterLock {
 public:
  static core::StatusOr<std::unique_ptr<WriterLock>> Take(const std::string& data_dir, bool wait) {
    std::string path = data_dir + "/xapian.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return core::Unavailable("cannot open " + path);
    if (::flock(fd, wait ? LOCK_EX : (LOCK_EX | LOCK_NB)) != 0) {
      ::close(fd);
      return core::Unavailable("another process is writing the search index");
    }
    return std::unique_ptr<WriterLock>(new WriterLock(fd));
  }
  ~WriterLock() { ::close(fd_); }

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

std::string ReadStubTarget(const std::string& data_dir) {
  std::ifstream in(StubPath(data_dir));
  std::string line;
  while (std::getline(in, line)) {
    auto l = core::Trim(line);
    if (core::StartsWith(l, "auto ")) return std::string(core::Trim(l.substr(5)));
  }
  return "";
}

class Builder {
 public:
  // `spelling`: each word goes to the database's spelling data as it is indexed (else see AddSpelling).
  Builder(const Resources& resources, bool spelling) : resources_(resources), spelling_(spelling) {
    for (const auto& group : resources.synonyms) {
      std::vector<Member> members;
      for (const auto& text : group) {
        Member m{text, {}, ""};
        for (const auto& w : SplitWords(text)) {
          m.words.push_back(w.folded);
          synonym_words_.insert(w.folded);
        }
        m.phrase = core::Join(m.words, " ");
        if (!m.words.empty()) members.push_back(std::move(m));
      }
      synonyms_.push_back(std::move(members));
    }
    for (const auto& [lang, words] : resources.stopwords) {
      auto stopper = std::make_unique<Xapian::SimpleStopper>();
      for (const auto& w : words) stopper->add(w);
      stoppers_[lang] = std::move(stopper);
    }
  }

  Xapian::Document Build(const Document& d, Xapian::WritableDatabase& db) {
    Xapian::TermGenerator tg;
    tg.set_database(db);
    if (spelling_) tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    tg.set_stemmer(Xapian::Stem(d.lang == "fr" ? "french" : "english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    auto stopper = stoppers_.find(d.lang);
    if (stopper != stoppers_.end()) {
      tg.set_stopper(stopper->second.get());
      tg.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);
    }
    Xapian::Document doc;
    tg.set_document(doc);
    std::string title = StripAccents(d.title);
    tg.index_text(title, 12);  // the title weighs more than the body
    // Positions only where a phrase can be asked for (the text: title, summary, body). The title field (S) is
    // for weight and as-you-type suggestions, tags for their words: neither is searched as a phrase.
    tg.index_text_without_positions(title, 1, kPrefixTitle);
    tg.increase_termpos();
    tg.index_text(StripAccents(d.summary), 4);
    tg.increase_termpos();
    for (const auto& t : d.tags) tg.index_text_without_positions(core::ReplaceAll(t, "-", " "), 4);
    tg.increase_termpos();
    std::string body = StripAccents(d.body);
    tg.index_text(body);
    // With the weights the words were indexed with, so that the folded term's collection frequency less its
    // accented forms' is how often it was written plainly.
    AddSurfaceForms(doc, d.title, 12);
    AddSurfaceForms(doc, d.summary, 4);
    AddSurfaceForms(doc, d.body, 1);
    // Synonyms at index time: a document that says "courriel" is also found by "email", and the other way.
    // A one-word member is present when the document has its term; a phrase ("mot de passe") when it has
    // every word and the folded text has the phrase.
    std::set<std::string> has;  // the words of synonyms.txt that the document has
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
      if (synonym_words_.count(*t)) has.insert(*t);
    std::string folded;  // " title summary body ", folded, words separated by single spaces; made when needed
    for (const auto& group : synonyms_) {
      bool present = false;
      for (const auto& member : group) {
        bool all_words = true;
        for (const auto& w : member.words) all_words = all_words && has.count(w);
        if (!all_words) continue;
        if (member.words.size() > 1) {
          if (folded.empty()) folded = " " + SpacedWords(d.title + " " + d.summary + " " + d.body) + " ";
          if (folded.find(" " + member.phrase + " ") == std::string::npos) continue;
        }
        present = true;
        break;
      }
      if (!present) continue;
      tg.increase_termpos();
      for (const auto& member : group) tg.index_text_without_positions(member.text, 1);
    }
    doc.add_boolean_term(kPrefixId + d.id);
    doc.add_boolean_term(kPrefixLang + d.lang);
    doc.add_boolean_term(kPrefixKind + d.kind);
    doc.add_boolean_term(std::string("XKEY") + d.kind + ":" + d.key);
    if (!d.category.empty()) doc.add_boolean_term(kPrefixCategory + d.category);
    for (const auto& t : d.tags) doc.add_boolean_term(kPrefixTag + t);
    doc.add_value(kSlotUpdated, core::ReplaceAll(d.updated, "-", ""));
    doc.add_value(kSlotCategory, d.category);
    doc.add_value(kSlotLang, d.lang);
    doc.add_value(kSlotKind, d.kind);
    doc.add_value(kSlotKey, d.kind + ":" + d.key);
    doc.add_value(kSlotTags, core::Join(d.tags, "\x1f"));
    if (d.body.size() > kSnippetTextBytes) {
      Document stored = d;  // what results show: the snippet never reads further
      stored.body.resize(core::Utf8Prefix(stored.body, kSnippetTextBytes).size());
      doc.set_data(EncodeDocument(stored));
    } else {
      doc.set_data(EncodeDocument(d));
    }
    return doc;
  }

  // The spelling data of a database built without it: every unprefixed term (a word as indexed), once, with
  // its number of occurrences. Far cheaper than a spelling update per word indexed.
  static void AddSpelling(Xapian::WritableDatabase& db) {
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
      const std::string& term = *t;
      if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;  // prefixed: Z stems, titles, filters
      db.add_spelling(term, db.get_collection_freq(term));
    }
  }

  void AddSynonyms(Xapian::WritableDatabase& db) {
    for (const auto& group : resources_.synonyms) {
      for (const auto& a : group) {
        if (a.find(' ') != std::string::npos) continue;
        db.clear_synonyms(a);
        for (const auto& b : group)
          if (a != b && b.find(' ') == std::string::npos) db.add_synonym(a, b);
      }
    }
  }

 private:
  // The written form of each word with accents (or other letters that fold), for "did you mean". ASCII words
  // fold to their lower case: nothing to keep.
  static void AddSurfaceForms(Xapian::Document& doc, std::string_view text, Xapian::termcount weight) {
    ForEachWord(text, [&](size_t begin, size_t end) {
      std::string_view raw = text.substr(begin, end - begin);
      bool ascii = true;
      for (char c : raw) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
      if (ascii || raw.size() > 60) return;
      std::string folded = FoldForCompare(raw);
      std::string lower = LowerCase(raw);
      if (folded.empty() || lower.empty() || folded == lower) return;
      doc.add_term(SurfaceTermPrefix(folded) + lower, weight);
    });
  }

  // Folded words of `text` separated by single spaces.
  static std::string SpacedWords(const std::string& text) {
    std::string out;
    for (const auto& w : SplitWords(text)) {
      if (!out.empty()) out += ' ';
      out += w.folded;
    }
    return out;
  }

  struct Member {
    std::string text;                // as written in synonyms.txt (folded)
    std::vector<std::string> words;  // its words, as the index has them
    std::string phrase;              // words joined by single spaces
  };
  const Resources& resources_;
  bool spelling_;
  std::vector<std::vector<Member>> synonyms_;
  std::unordered_set<std::string> synonym_words_;
  std::map<std::string, std::unique_ptr<Xapian::SimpleStopper>> stoppers_;
};

core::Status XapianError(const std::string& what, const Xapian::Error& e) {
  std::string type = e.get_type();
  if (type == "DatabaseLockError" || type == "DatabaseOpeningError" || type == "DatabaseNotFoundError")
    return core::Unavailable(what + ": " + e.get_description());
  return core::Internal(what + ": " + e.get_description());
}

}  // namespace

struct Indexer::Impl {
  std::unique_ptr<WriterLock> lock;
  std::unique_ptr<Builder> builder;
  Xapian::WritableDatabase db;
};

Indexer::Indexer() : impl_(new Impl) {}
Indexer::~Indexer() = default;

core::StatusOr<std::unique_ptr<Indexer>> Indexer::Open(const std::string& data_dir, const Resources& resources) {
  auto lock = WriterLock::Take(data_dir, false);
  if (!lock.ok()) return lock.status();
  std::string target = ReadStubTarget(data_dir);
  if (target.empty()) return core::NotFound("no search index yet in " + data_dir);
  std::unique_ptr<Indexer> ix(new Indexer);
  ix->impl_->lock = std::move(lock).value();
  ix->impl_->builder = std::make_unique<Builder>(resources, true);
  try {
    ix->impl_->db = Xapian::WritableDatabase(data_dir + "/" + target, Xapian::DB_OPEN);
  } catch (const Xapian::Error& e) {
    return XapianError("open index", e);
  }
  return ix;
}

core::Status Indexer::Upsert(const Document& d) {
  try {
    impl_->db.replace_document(kPrefixId + d.id, impl_->builder->Build(d, impl_->db));
  } catch (const Xapian::Error& e) {
    return XapianError("index " + d.id, e);
  }
  return core::Status::Ok();
}

core::Status Indexer::Delete(const std::string& id) {
  try {
    impl_->db.delete_document(kPrefixId + id);
  } catch (const Xapian::Error& e) {
    return XapianError("delete " + id, e);
  }
  return core::Status::Ok();
}

core::Status Indexer::Commit() {
  try {
    impl_->db.commit();
  } catch (const Xapian::Error& e) {
    return XapianError("commit", e);
  }
  return core::Status::Ok();
}

// A rebuild indexes into one shard per builder thread (data_dir/xapian-N.shard-K-F, a new folder F every
// kDocsPerFolder documents): building a document and
// adding it to Xapian's in-memory inverter both cost CPU, and one WritableDatabase takes one thread at a time.
// Finish() merges the shards into xapian-N with Xapian's compactor, which also leaves the index in full blocks
// (smaller and faster to search than one grown document by document).
struct Rebuild::Impl {
  std::string data_dir, dir_name;
  std::unique_ptr<WriterLock> lock;
  const Resources* resources = nullptr;
  bool finished = false;

  struct Shard {
    std::string path;  // the folder being written
    Xapian::WritableDatabase db;
    std::unique_ptr<Builder> builder;
    int pending = 0;                // documents added since the last commit
    int docs = 0;                   // documents in the folder being written
    size_t number = 0;              // the shard's number (its folders' names)
    int next = 0;                   // the number of the next folder
    std::vector<std::string> done;  // folders this builder finished, in order (merged in that order)
    std::deque<Document> queue;     // waiting for this shard's builder
  };
  static constexpr int kDocsPerFlush = 64;
  // A builder starts a new folder after this many documents (kDocsPerFolder): a commit rewrites the last block of
  // each posting list it touches, which costs more as the folder grows (100,000 documents: 184 s in two growing
  // folders, 119 s in folders of 5,000); the compactor merges any number of folders at once.
  int docs_per_folder = kDocsPerFolder;
  std::vector<std::unique_ptr<Shard>> shards;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable can_take, can_put;
  bool closing = false;
  bool abandoned = false;  // destroyed before Finish: stop without finishing the work
  core::Status error = core::Status::Ok();

  static constexpr size_t kQueueLimit = 128;  // per shard

  // The language versions of an item go to the same shard, one after the other, so that they get neighbouring
  // docids in the merged index: a search that counts only the first matches (docid order) then sees both
  // versions of the items it counts, and its estimates of items and languages hold for the rest.
  Shard& ShardFor(const Document& d) { return *shards[std::hash<std::string>{}(d.kind + ":" + d.key) % shards.size()]; }
  void ClearQueues() {
    for (auto& s : shards) s->queue.clear();
  }

  void Work(Shard& shard) {
    while (true) {
      Document d;
      {
        std::unique_lock<std::mutex> lock(mu);
        can_take.wait(lock, [&] { return closing || !shard.queue.empty(); });
        if (shard.queue.empty() && !error.ok()) return;
        if (shard.queue.empty()) break;
        d = std::move(shard.queue.front());
        shard.queue.pop_front();
      }
      can_put.notify_all();
      try {
        // A fresh database: no existing document to find and replace.
        shard.db.add_document(shard.builder->Build(d, shard.db));
        // Xapian keeps the changes not yet written in maps (by term, then by document) that every posting
        // added searches: the more documents they hold, the slower each addition (a quarter of a rebuild's
        // CPU with Xapian's default of 10,000 documents a flush). Committing every kDocsPerFlush documents
        // is cheaper overall. 10,000 articles on 2 CPUs: 32 s with the default; 1,000: 25 s; 400: 24 s;
        // 150: 22 s; 100: 19.7 s; 60: 18.9 s; 40: 20.5 s; 20: 22 s; 8: 24.7 s (system time grows).
        // The shard is opened without fsync: it is temporary (a crash leaves only a folder to remove).
        if (++shard.pending >= kDocsPerFlush) {
          shard.db.commit();
          shard.pending = 0;
        }
        if (++shard.docs >= docs_per_folder) NextFolder(shard);
      } catch (const Xapian::Error& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (error.ok()) error = XapianError("index " + d.id, e);
        closing = true;
        ClearQueues();
        can_put.notify_all();
        return;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      if (abandoned) return;
    }
    try {
      Builder::AddSpelling(shard.db);
    } catch (const Xapian::Error& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.ok()) error = XapianError("spelling data", e);
    }
  }

  // The folder of a builder's shard number `n`.
  std::string FolderPath(size_t builder, int n) const {
    return data_dir + "/" + dir_name + ".shard-" + std::to_string(builder) + "-" + std::to_string(n);
  }
  static Xapian::WritableDatabase CreateFolder(const std::string& path) {
    return Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
  }
  // Finishes the shard's folder (its spelling data, closed) and starts the next one.
  void NextFolder(Shard& shard) {
    Builder::AddSpelling(shard.db);
    shard.db.close();
    shard.done.push_back(shard.path);
    shard.path = FolderPath(shard.number, shard.next++);
    shard.db = CreateFolder(shard.path);
    shard.docs = 0;
    shard.pending = 0;
  }

  // Lets the builders finish what is queued and stops them; the first error of any of them.
  core::Status Join() {
    {
      std::lock_guard<std::mutex> lock(mu);
      closing = true;
    }
    can_take.notify_all();
    for (auto& t : threads)
      if (t.joinable()) t.join();
    threads.clear();
    std::lock_guard<std::mutex> lock(mu);
    return error;
  }

  void RemoveShards() {
    for (auto& s : shards) {
      try {
        s->db.close();
      } catch (...) {
      }
      std::error_code ec;
      fs::remove_all(s->path, ec);
      for (const auto& done : s->done) fs::remove_all(done, ec);
    }
    shards.clear();
  }
};

Rebuild::Rebuild() : impl_(new Impl) {}

Rebuild::~Rebuild() {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->abandoned = true;
    impl_->ClearQueues();
  }
  (void)impl_->Join();
  impl_->RemoveShards();
  if (!impl_->finished && !impl_->dir_name.empty()) {
    std::error_code ec;
    fs::remove_all(impl_->data_dir + "/" + impl_->dir_name, ec);
  }
}

core::StatusOr<std::unique_ptr<Rebuild>> Rebuild::Begin(const std::string& data_dir, const Resources& resources,
                                                        bool wait, int threads, int docs_per_folder) {
  auto lock = WriterLock::Take(data_dir, wait);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<Rebuild> rb(new Rebuild);
  Impl& im = *rb->impl_;
  im.data_dir = data_dir;
  im.lock = std::move(lock).value();
  im.resources = &resources;
  im.docs_per_folder = std::max(1, docs_per_folder);
  // Remove folders left by an interrupted rebuild (anything not named by the stub).
  std::string live = ReadStubTarget(data_dir);
  std::error_code ec;
  int next = 1;
  for (const auto& e : fs::directory_iterator(data_dir, ec)) {
    std::string name = e.path().filename().string();
    if (!core::StartsWith(name, "xapian-") || !e.is_directory()) continue;
    try {
      next = std::max(next, std::stoi(name.substr(7)) + 1);
    } catch (...) {
    }
    if (name != live) fs::remove_all(e.path(), ec);
  }
  // A random part makes every folder name new, even when the whole index was deleted: a searcher that still
  // holds the files of a deleted folder never mistakes the rebuilt one for it.
  im.dir_name = "xapian-" + std::to_string(next) + "-" + core::RandomHex(4);
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 8);
  try {
    for (int i = 0; i < threads; ++i) {
      auto shard = std::make_unique<Impl::Shard>();
      shard->number = static_cast<size_t>(i);
      shard->path = im.FolderPath(shard->number, shard->next++);
      shard->db = Impl::CreateFolder(shard->path);
      shard->builder = std::make_unique<Builder>(resources, false);
      if (i == 0) shard->builder->AddSynonyms(shard->db);
      im.shards.push_back(std::move(shard));
    }
  } catch (const Xapian::Error& e) {
    return XapianError("create index", e);
  }
  for (auto& shard : im.shards) im.threads.emplace_back([&im, s = shard.get()] { im.Work(*s); });
  return rb;
}

core::Status Rebuild::Add(Document d) {
  Impl& im = *impl_;
  std::unique_lock<std::mutex> lock(im.mu);
  Impl::Shard& shard = im.ShardFor(d);
  im.can_put.wait(lock, [&] { return im.closing || shard.queue.size() < Impl::kQueueLimit; });
  if (!im.error.ok()) return im.error;
  if (im.closing) return core::Internal("the index rebuild was already finished");
  shard.queue.push_back(std::move(d));
  lock.unlock();
  im.can_take.notify_all();  // one condition for every builder: each looks at its own queue
  return core::Status::Ok();
}

core::Status Rebuild::Finish() {
  ENTRAIDE_RETURN_IF_ERROR(impl_->Join());
  try {
    Xapian::Database all;
    for (auto& shard : impl_->shards) {
      for (const auto& done : shard->done) all.add_database(Xapian::Database(done));
      shard->db.commit();
      all.add_database(shard->db);
    }
    all.compact(impl_->data_dir + "/" + impl_->dir_name);
  } catch (const Xapian::Error& e) {
    return XapianError("commit rebuild", e);
  }
  impl_->RemoveShards();
  std::string old = ReadStubTarget(impl_->data_dir);
  std::string tmp = StubPath(impl_->data_dir) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "auto " << impl_->dir_name << "\n";
    out.flush();
    if (!out) return core::Unavailable("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), StubPath(impl_->data_dir).c_str()) != 0)
    return core::Unavailable("cannot swap in the new index: " + std::string(strerror(errno)));
  impl_->finished = true;
  if (!old.empty() && old != impl_->dir_name) {
    std::error_code ec;
    fs::remove_all(impl_->data_dir + "/" + old, ec);  // readers that still hold it keep their open files
  }
  return core::Status::Ok();
}

}  // namespace entraide::search
