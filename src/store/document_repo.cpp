#include "store/document_repo.hpp"

namespace store {

namespace {
constexpr const char* k_doc_select =
    "SELECT d.id, d.sha256, d.form_index, d.page, d.outcome, d.reasons, d.fields, d.confidence, d.evidence, "
    "d.reference_code, d.linkage_id, d.crops_dir, d.review_state, d.reviewed_by, d.reviewed_at, d.created_at, "
    "i.file_name FROM documents d JOIN inputs i ON i.sha256 = d.sha256 ";

DocumentRow read_doc(Statement& s) {
    DocumentRow d;
    d.id = s.get_int(0);
    d.sha256 = s.get_text(1);
    d.form_index = static_cast<int>(s.get_int(2));
    if (!s.is_null(3)) d.page = static_cast<int>(s.get_int(3));
    d.outcome = s.get_text(4);
    d.reasons = s.get_text(5);
    d.fields = s.get_text(6);
    d.confidence = s.get_text(7);
    d.evidence = s.get_text(8);
    d.reference_code = s.get_optional_text(9);
    if (!s.is_null(10)) d.linkage_id = s.get_int(10);
    d.crops_dir = s.get_optional_text(11);
    d.review_state = s.get_optional_text(12);
    d.reviewed_by = s.get_optional_text(13);
    d.reviewed_at = s.get_optional_text(14);
    d.created_at = s.get_text(15);
    d.file_name = s.get_text(16);
    return d;
}

std::vector<DocumentRow> read_docs(Statement& s) {
    std::vector<DocumentRow> out;
    while (s.step()) out.push_back(read_doc(s));
    return out;
}
}  // namespace

std::optional<InputRow> DocumentRepo::input(const std::string& sha256) const {
    auto s = m_c.prepare(
        "SELECT sha256, file_name, container, stored_path, processed_at, size, batch_id, pages, ignored_pages "
        "FROM inputs WHERE sha256 = ?");
    s->bind(1, sha256);
    if (!s->step()) return std::nullopt;
    InputRow r;
    r.sha256 = s->get_text(0);
    r.file_name = s->get_text(1);
    r.container = s->get_text(2);
    r.stored_path = s->get_text(3);
    r.processed_at = s->get_text(4);
    r.size = s->get_int(5);
    if (!s->is_null(6)) r.batch_id = s->get_int(6);
    r.pages = static_cast<int>(s->get_int(7));
    r.ignored_pages = s->get_text(8);
    return r;
}

void DocumentRepo::insert_input(const InputRow& r) {
    auto s = m_c.prepare(
        "INSERT INTO inputs (sha256, file_name, size, container, stored_path, processed_at, batch_id, pages, "
        "ignored_pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s->bind(1, r.sha256).bind(2, r.file_name).bind(3, r.size).bind(4, r.container).bind(5, r.stored_path);
    s->bind(6, r.processed_at);
    if (r.batch_id) s->bind(7, *r.batch_id); else s->bind_null(7);
    s->bind(8, r.pages).bind(9, r.ignored_pages);
    s->run();
}

Id DocumentRepo::insert_document(const DocumentRow& d) {
    auto s = m_c.prepare(
        "INSERT INTO documents (sha256, form_index, page, outcome, reasons, fields, confidence, evidence, "
        "reference_code, linkage_id, crops_dir, review_state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id");
    s->bind(1, d.sha256).bind(2, d.form_index);
    if (d.page) s->bind(3, *d.page); else s->bind_null(3);
    s->bind(4, d.outcome).bind(5, d.reasons).bind(6, d.fields).bind(7, d.confidence).bind(8, d.evidence);
    s->bind(9, d.reference_code);
    if (d.linkage_id) s->bind(10, *d.linkage_id); else s->bind_null(10);
    s->bind(11, d.crops_dir).bind(12, d.review_state).bind(13, d.created_at);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    return id;
}

std::optional<DocumentRow> DocumentRepo::document(Id id) const {
    auto s = m_c.prepare(std::string(k_doc_select) + "WHERE d.id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    return read_doc(*s);
}

std::vector<DocumentRow> DocumentRepo::by_reference(const std::string& code) const {
    auto s = m_c.prepare(std::string(k_doc_select) + "WHERE d.reference_code = ? ORDER BY d.id");
    s->bind(1, code);
    return read_docs(*s);
}

std::vector<DocumentRow> DocumentRepo::for_input(const std::string& sha256) const {
    auto s = m_c.prepare(std::string(k_doc_select) + "WHERE d.sha256 = ? ORDER BY d.form_index");
    s->bind(1, sha256);
    return read_docs(*s);
}

std::vector<DocumentRow> DocumentRepo::review_queue() const {
    auto s = m_c.prepare(std::string(k_doc_select) +
                         "WHERE d.outcome = 'review' AND d.review_state = 'open' ORDER BY d.id");
    return read_docs(*s);
}

std::int64_t DocumentRepo::count_inputs() const {
    auto s = m_c.prepare("SELECT count(*) FROM inputs");
    s->step();
    return s->get_int(0);
}

std::int64_t DocumentRepo::count_documents() const {
    auto s = m_c.prepare("SELECT count(*) FROM documents");
    s->step();
    return s->get_int(0);
}

Id DocumentRepo::start_batch(const std::string& kind, const std::string& at) {
    auto s = m_c.prepare("INSERT INTO batches (kind, started_at) VALUES (?, ?) RETURNING id");
    s->bind(1, kind).bind(2, at);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    return id;
}

void DocumentRepo::finish_batch(Id id, const std::string& at, const std::string& summary_json) {
    auto s = m_c.prepare("UPDATE batches SET finished_at = ?, summary = ? WHERE id = ?");
    s->bind(1, at).bind(2, summary_json).bind(3, id);
    s->run();
}

}  // namespace store
