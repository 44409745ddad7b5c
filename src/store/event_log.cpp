#include "store/event_log.hpp"

namespace store {

Id EventLog::append(const std::string& at, const std::string& actor, const std::string& entity,
                    std::optional<Id> entity_id, const std::string& action,
                    const std::optional<std::string>& before, const std::optional<std::string>& after) {
    auto s = m_c.prepare(
        "INSERT INTO events (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id");
    s->bind(1, at).bind(2, actor).bind(3, entity);
    if (entity_id) s->bind(4, *entity_id); else s->bind_null(4);
    s->bind(5, action).bind(6, before).bind(7, after);
    if (!s->step()) throw StoreError("appending an event returned no id");
    Id id = s->get_int(0);
    s->reset();
    return id;
}

namespace {
std::vector<Event> read_events(Statement& s) {
    std::vector<Event> out;
    while (s.step()) {
        Event e;
        e.id = s.get_int(0);
        e.at = s.get_text(1);
        e.actor = s.get_text(2);
        e.entity = s.get_text(3);
        if (!s.is_null(4)) e.entity_id = s.get_int(4);
        e.action = s.get_text(5);
        e.before = s.get_optional_text(6);
        e.after = s.get_optional_text(7);
        out.push_back(std::move(e));
    }
    return out;
}
}  // namespace

std::vector<Event> EventLog::for_entity(const std::string& entity, Id id) const {
    auto s = m_c.prepare(
        "SELECT id, at, actor, entity, entity_id, action, before, after FROM events "
        "WHERE entity = ? AND entity_id = ? ORDER BY id");
    s->bind(1, entity).bind(2, id);
    return read_events(*s);
}

std::vector<Event> EventLog::all(std::int64_t limit) const {
    auto s = m_c.prepare(
        "SELECT id, at, actor, entity, entity_id, action, before, after FROM events ORDER BY id LIMIT ?");
    s->bind(1, limit);
    return read_events(*s);
}

std::int64_t EventLog::count() const {
    auto s = m_c.prepare("SELECT count(*) FROM events");
    s->step();
    return s->get_int(0);
}

}  // namespace store
