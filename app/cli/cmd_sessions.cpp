// `bucketscope-cli sessions list|show|export|prune`: browse what the session store recorded.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "core/store/session_reader.h"

namespace bucketscope::cli {
namespace {

struct SessionsOptions {
    std::string db;
    int64_t id = 0;
    bool csv = false;
    bool json = false;
    size_t keep = 0;
    std::string before;
    std::vector<int64_t> ids;
};

std::string or_dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

void list(const SessionsOptions& o) {
    store::SessionReader reader(o.db);
    std::cout << "id\tstarted\tended\toutcome\torigin\tprofile\tdevice\tevents\tsnapshots"
                 "\tdropped\n";
    for (const auto& r : reader.list())
        std::cout << r.id << '\t' << r.started_at << '\t' << or_dash(r.ended_at) << '\t'
                  << or_dash(r.outcome) << '\t' << r.info.origin << '\t' << r.info.profile
                  << '\t' << r.info.device << '\t' << r.events << '\t' << r.snapshots << '\t'
                  << r.dropped << '\n';
}

void show(const SessionsOptions& o) {
    store::SessionReader reader(o.db);
    const auto r = reader.get(o.id);
    if (!r)
        throw store::StoreError(o.db + ": no session " + std::to_string(o.id));
    std::cout << "session:      " << r->id << '\n'
              << "started:      " << r->started_at << '\n'
              << "ended:        " << or_dash(r->ended_at) << '\n'
              << "outcome:      " << or_dash(r->outcome) << '\n'
              << "origin:       " << r->info.origin << '\n'
              << "version:      " << r->info.tool_version << '\n'
              << "profile:      " << r->info.profile << '\n'
              << "device:       " << r->info.device << '\n'
              << "superblock:   " << r->info.superblock << '\n'
              << "options:      " << r->info.options << '\n'
              << "events:       " << r->events << " (" << r->dropped << " dropped)\n"
              << "metrics:      " << r->metrics << '\n'
              << "snapshots:    " << r->snapshots << '\n'
              << "commands:\n";
    for (const auto& c : reader.commands(o.id))
        std::cout << "  " << c.clock_ns << " ns\t" << c.command << ' ' << c.argument << '\n';
}

void export_session(const SessionsOptions& o) {
    if (o.csv == o.json)
        throw CLI::ValidationError("export", "give exactly one of --csv and --json");
    store::SessionReader reader(o.db);
    if (o.csv)
        reader.export_csv(o.id, std::cout);
    else
        reader.export_json(o.id, std::cout);
}

void prune(const SessionsOptions& o) {
    const int given = (o.keep ? 1 : 0) + (o.before.empty() ? 0 : 1) + (o.ids.empty() ? 0 : 1);
    if (given != 1)
        throw CLI::ValidationError("prune", "give exactly one of --keep, --before and --id");
    store::SessionReader writer(o.db, true);
    size_t n = o.keep ? writer.prune_keep(o.keep)
               : !o.before.empty() ? writer.prune_before(o.before)
                                   : writer.prune_ids(o.ids);
    std::cout << "pruned " << n << " session" << (n == 1 ? "" : "s") << '\n';
}

template <typename F> std::function<void()> guarded(F f, const SessionsOptions& o) {
    return [f, &o] {
        try {
            f(o);
        } catch (const store::StoreError& e) {
            std::cerr << "bucketscope-cli sessions: " << e.what() << '\n';
            throw CLI::RuntimeError(1);
        }
    };
}

} // namespace

void register_sessions(CLI::App& app) {
    static SessionsOptions o;
    o.db = store::SessionStore::default_path();
    auto* s = app.add_subcommand("sessions", "Browse, export and prune recorded sessions");
    s->add_option("--db", o.db, "Session database (default: $BUCKETSCOPE_DB or "
                                "$XDG_DATA_HOME/bucketscope/sessions.db)");
    s->require_subcommand(1);

    s->add_subcommand("list", "One line per recorded session")->callback(guarded(list, o));

    auto* sh = s->add_subcommand("show", "Details and commands of one session");
    sh->add_option("ID", o.id, "Session id")->required();
    sh->callback(guarded(show, o));

    auto* ex = s->add_subcommand("export", "All records of one session as CSV or JSON");
    ex->add_option("ID", o.id, "Session id")->required();
    ex->add_flag("--csv", o.csv, "CSV on stdout");
    ex->add_flag("--json", o.json, "JSON on stdout");
    ex->callback(guarded(export_session, o));

    auto* pr = s->add_subcommand("prune", "Delete sessions");
    pr->add_option("--keep", o.keep, "Keep only the newest N sessions");
    pr->add_option("--before", o.before, "Delete sessions started before this ISO date");
    pr->add_option("--id", o.ids, "Delete these sessions");
    pr->callback(guarded(prune, o));
}

} // namespace bucketscope::cli
