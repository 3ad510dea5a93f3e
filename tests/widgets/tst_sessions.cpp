// Sessions in the workbench: every engine run the GUI drives is recorded with its commands
// and their times; recording off records nothing; a database that cannot be written is
// reported while the engine runs on. The browser's model passes QAbstractItemModelTester;
// details, export, delete and prune do what they say; the replay window shows the nearest
// snapshot, the metric samples up to the moment and the events around it.
#include "core/device/ram_device.h"
#include "core/store/engine_recorder.h"
#include "core/store/session_reader.h"
#include "core/store/session_replay.h"
#include "widgets/engine_controller.h"
#include "widgets/event_log.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_panel.h"
#include "widgets/mainwindow.h"
#include "widgets/metric_plots.h"
#include "widgets/session_browser.h"
#include "widgets/session_list_model.h"
#include "widgets/session_menu.h"
#include "widgets/session_replay_window.h"
#include "widgets/session_settings.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace bucketscope;

namespace {

EngineOptions small_engine(uint64_t seed = 7) {
    EngineOptions o = demo_engine_options();
    o.geometry.nbuckets = 1024;
    o.seed = seed;
    return o;
}

RecordingSettings recording_into(const QString& db, double interval = 0.01) {
    RecordingSettings s;
    s.enabled = true;
    s.database = db;
    s.snapshot_interval_s = interval;
    return s;
}

// A deterministic run recorded straight through the core recorder: `n` pumps of 600
// steps with snapshots every 20 ms of engine time and a policy switch halfway.
int64_t record_run(const QString& db, int n = 60) {
    EngineOptions o = small_engine(3);
    RamDevice dev(o.geometry.nbuckets * uint64_t(o.geometry.bucket_size) * 512);
    std::string why;
    auto engine = Engine::create({&dev}, o, &why);
    if (!engine)
        qFatal("engine: %s", why.c_str());
    store::SessionStore store(db.toStdString());
    const int64_t id =
        store.begin_session(store::describe_session(*engine, dev.name(), "{}", "test"));
    store::RecorderOptions ro;
    ro.snapshot_interval_ns = 20'000'000;
    ro.metric_interval_ns = 2'000'000;
    store::EngineRecorder rec(*engine, store, ro);
    for (int i = 0; i < n; ++i) {
        engine->step(600);
        if (i == n / 2) {
            engine->set_policy(ReplacementPolicy::Fifo);
            rec.record_command("set_policy", "fifo");
        }
        rec.pump();
    }
    rec.finish("completed");
    return id;
}

} // namespace

class TestSessions : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void everyRunIsRecordedWithItsCommands();
    void recordingOffRecordsNothing();
    void anUnwritableDatabaseIsReportedAndTheEngineRunsOn();
    void sessionListModelPassesTheTester();
    void browserShowsExportsDeletesAndPrunes();
    void replayShowsTheMomentUnderTheScrubber();
    void mainWindowHasTheSessionEntries();

  private:
    QTemporaryDir dir_;
};

void TestSessions::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("bucketscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_sessions"));
    QVERIFY(dir_.isValid());
    save_recording_settings(recording_into(dir_.filePath(QStringLiteral("default.db"))));
}

void TestSessions::everyRunIsRecordedWithItsCommands() {
    const QString db = dir_.filePath(QStringLiteral("gui.db"));
    int64_t first = -1;
    {
        EngineController c;
        QSignalSpy status(&c, &EngineController::recordingStatus);
        c.setRecording(recording_into(db));
        QString why;
        QVERIFY2(c.openSync(small_engine(), &why), qPrintable(why));
        c.step(2000);
        c.setPolicy(ReplacementPolicy::Fifo);
        c.triggerGc();
        c.forceInvalidate(std::nullopt);
        c.rescale();
        c.setDiscard(true);
        c.setStepsPerTick(50);
        c.setPlaying(true);
        c.setPlaying(false);
        c.step(2000);
        c.sync();
        QVERIFY(!status.isEmpty());
        first = status.last().at(1).toLongLong();
        QVERIFY(first > 0);
        QVERIFY2(status.last().at(0).toString().contains(db),
                 qPrintable(status.last().at(0).toString()));
        // A second engine ends the first session and starts its own.
        QVERIFY(c.openSync(small_engine(9), &why));
        c.step(1000);
        c.sync();
    } // closing the controller ends the second session

    store::SessionReader reader(db.toStdString());
    const auto rows = reader.list();
    QCOMPARE(rows.size(), size_t(2));
    const auto& s = rows[0];
    QCOMPARE(s.id, first);
    QCOMPARE(s.info.origin, std::string("gui"));
    QCOMPARE(s.outcome, std::string("replaced"));
    QCOMPARE(rows[1].outcome, std::string("closed"));
    QVERIFY(!s.ended_at.empty());
    QCOMPARE(s.info.profile, std::string("v6.2"));
    QVERIFY(!s.info.tool_version.empty());
    QVERIFY(s.info.device.rfind("ram:", 0) == 0);
    QVERIFY(
        QString::fromStdString(s.info.superblock).contains(QStringLiteral("\"nbuckets\":1024")));
    QVERIFY(QString::fromStdString(s.info.options).contains(QStringLiteral("\"seed\":7")));
    QVERIFY(QString::fromStdString(rows[1].info.options).contains(QStringLiteral("\"seed\":9")));
    QVERIFY(s.events > 0);
    QVERIFY(s.snapshots >= 1);
    QVERIFY(s.metrics > 0);

    const auto cmds = reader.commands(first);
    const std::vector<std::pair<std::string, std::string>> want = {
        {"step", "2000"}, {"set_policy", "fifo"}, {"trigger_gc", ""}, {"force_invalidate", "pass"},
        {"rescale", ""},  {"set_discard", "on"},  {"speed", "50"},    {"run", ""},
        {"pause", ""},    {"step", "2000"}};
    QCOMPARE(cmds.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(QString::fromStdString(cmds[i].command), QString::fromStdString(want[i].first));
        // A forced pass the engine refuses is recorded with the reason ("pass refused: ...").
        if (want[i].first == "force_invalidate")
            QVERIFY(cmds[i].argument == "pass" || cmds[i].argument.rfind("pass refused: ", 0) == 0);
        else
            QCOMPARE(QString::fromStdString(cmds[i].argument),
                     QString::fromStdString(want[i].second));
        if (i > 0)
            QVERIFY(cmds[i].clock_ns >= cmds[i - 1].clock_ns);
    }
    // Commands carry the engine clock at which they were applied: the policy switch came
    // after 2000 steps had advanced it.
    QVERIFY(cmds[1].clock_ns > cmds[0].clock_ns);
}

void TestSessions::recordingOffRecordsNothing() {
    const QString db = dir_.filePath(QStringLiteral("off.db"));
    {
        EngineController c;
        RecordingSettings s = recording_into(db);
        s.enabled = false;
        c.setRecording(s);
        QVERIFY(c.openSync(small_engine()));
        c.step(2000);
        c.setPolicy(ReplacementPolicy::Random);
        c.sync();
    }
    QVERIFY(!QFile::exists(db));
}

void TestSessions::anUnwritableDatabaseIsReportedAndTheEngineRunsOn() {
    // A regular file where the database's directory should be: no one can create it,
    // not even root.
    const QString blocker = dir_.filePath(QStringLiteral("not-a-directory"));
    {
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    const QString db = blocker + QStringLiteral("/sessions.db");
    EngineController c;
    QSignalSpy status(&c, &EngineController::recordingStatus);
    c.setRecording(recording_into(db));
    QVERIFY(c.openSync(small_engine()));
    c.step(3000);
    c.sync();
    QVERIFY(!status.isEmpty());
    const QString message = status.last().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("Not recording")) && message.contains(db),
             qPrintable(message));
    QCOMPARE(status.last().at(1).toLongLong(), qint64(-1));
    QVERIFY(c.lastFrame()->metrics.steps >= 3000);
}

void TestSessions::sessionListModelPassesTheTester() {
    const QString db = dir_.filePath(QStringLiteral("model.db"));
    SessionListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.load(db); // not there yet: empty, no error
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.error().isEmpty());
    const int64_t a = record_run(db, 10);
    const int64_t b = record_run(db, 12);
    model.refresh();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(SessionListModel::ColumnCount));
    QCOMPARE(model.rowOf(b), 1);
    QCOMPARE(
        model.data(model.index(0, SessionListModel::Id), SessionListModel::IdRole).toLongLong(), a);
    QCOMPARE(model.data(model.index(1, SessionListModel::Outcome), Qt::DisplayRole).toString(),
             QStringLiteral("completed"));
    QCOMPARE(model.data(model.index(1, SessionListModel::Events), Qt::DisplayRole).toULongLong(),
             model.session(1).events);
    QVERIFY(model.session(1).events > 0);

    // Something that is not a session database: empty, with the reason.
    const QString junk = dir_.filePath(QStringLiteral("junk.db"));
    QFile f(junk);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("definitely not SQLite, definitely not SQLite, definitely not SQLite, ..........");
    f.close();
    model.load(junk);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.error().contains(junk));
}

void TestSessions::browserShowsExportsDeletesAndPrunes() {
    const QString db = dir_.filePath(QStringLiteral("browse.db"));
    const int64_t a = record_run(db, 8);
    const int64_t b = record_run(db, 8);
    const int64_t c = record_run(db, 8);
    SessionBrowser browser(db);
    QCOMPARE(browser.model()->rowCount(), 3);
    QCOMPARE(browser.selectedSession(), c); // the newest is selected
    browser.select(a);
    const QString details = browser.details()->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("Session %1").arg(a)) &&
                 details.contains(QStringLiteral("set_policy fifo")),
             qPrintable(details));

    QString why;
    const QString csv = dir_.filePath(QStringLiteral("a.csv"));
    QVERIFY2(browser.exportSession(a, csv, true, &why), qPrintable(why));
    QFile fc(csv);
    QVERIFY(fc.open(QIODevice::ReadOnly));
    QVERIFY(fc.readLine().startsWith("record,clock_ns,name,bucket,value,detail"));
    const QString json = dir_.filePath(QStringLiteral("a.json"));
    QVERIFY2(browser.exportSession(a, json, false, &why), qPrintable(why));
    QFile fj(json);
    QVERIFY(fj.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(fj.readAll()).object();
    QCOMPARE(o.value(QStringLiteral("id")).toInteger(), a);
    QVERIFY(
        !browser.exportSession(a, dir_.filePath(QStringLiteral("no/such/dir/a.csv")), true, &why));
    QVERIFY(!why.isEmpty());

    // The session being recorded is never deleted, whatever is asked.
    browser.setLiveSession(c);
    QCOMPARE(browser.deleteSessions({c}), 0);
    QCOMPARE(browser.deleteSessions({a}), 1);
    QCOMPARE(browser.model()->rowCount(), 2);
    QCOMPARE(browser.pruneKeep(0), 1); // keeps the live one
    QCOMPARE(browser.model()->rowCount(), 1);
    QCOMPARE(browser.model()->session(0).id, c);
    QCOMPARE(browser.pruneBefore(QDateTime::currentDateTimeUtc().addDays(1)), 0);
    browser.setLiveSession(-1);
    QCOMPARE(browser.pruneBefore(QDateTime::currentDateTimeUtc().addDays(1)), 1);
    QCOMPARE(browser.model()->rowCount(), 0);
    QVERIFY(browser.details()->toPlainText().contains(QStringLiteral("No sessions")));
    Q_UNUSED(b);
}

void TestSessions::replayShowsTheMomentUnderTheScrubber() {
    const QString db = dir_.filePath(QStringLiteral("replay.db"));
    const int64_t id = record_run(db, 60);
    store::SessionReplay truth(db.toStdString(), id);
    SessionReplayWindow w(db, id);
    w.show();
    const auto& snaps = truth.snapshots();
    QVERIFY(snaps.size() >= 5);
    QCOMPARE(w.shownSnapshot(), std::optional<size_t>(0)); // opens on the first snapshot

    // Just after snapshot 3: its buckets, the samples up to then, the events around then.
    const uint64_t t = snaps[3].clock_ns + 1000;
    w.showMoment(t);
    QCOMPARE(w.shownSnapshot(), std::optional<size_t>(3));
    const SnapshotPtr shown = w.heatmap()->heatmap()->snapshot();
    QVERIFY(shown);
    QCOMPARE(shown->clock_ns, snaps[3].clock_ns);
    QCOMPARE(shown->gen, truth.snapshot(3)->gen);
    QCOMPARE(w.plots()->history().size(), truth.metrics_until(t));
    QVERIFY(w.plots()->history().time().back() <= double(t) / 1e9);
    const EventLogModel& log = *w.eventLog();
    QVERIFY(log.rowCount() > 0);
    QVERIFY(log.rowCount() <=
            int(SessionReplayWindow::kEventsBefore + SessionReplayWindow::kEventsAfter));
    const auto window = truth.events_around(t, SessionReplayWindow::kEventsBefore,
                                            SessionReplayWindow::kEventsAfter);
    QCOMPARE(log.rowCount(), int(window.events.size()));
    for (int r = 0; r < log.rowCount(); ++r) {
        QCOMPARE(log.row(r).event.seq, window.events[size_t(r)].seq);
        QCOMPARE(log.row(r).gen_after, window.gen_after[size_t(r)]);
    }
    const QModelIndex current = w.eventLogView()->view()->currentIndex();
    QCOMPARE(current.row(), int(window.at) - 1);
    QVERIFY(w.status()->text().contains(QStringLiteral("snapshot")));

    // Past the middle the policy switch shows in the snapshot's policy.
    w.stepSnapshot(+1);
    QCOMPARE(w.shownSnapshot(), std::optional<size_t>(4));
    w.showMoment(truth.end_ns());
    QCOMPARE(w.shownSnapshot(), std::optional<size_t>(snaps.size() - 1));
    QCOMPARE(w.heatmap()->heatmap()->snapshot()->policy, ReplacementPolicy::Fifo);
    QCOMPARE(w.plots()->history().size(), truth.metrics().size());

    // The scrubber: moving it shows the moment once it settles.
    w.timeline()->setValue(SessionReplayWindow::kTimelineSteps / 4);
    const uint64_t quarter = truth.begin_ns() + (truth.end_ns() - truth.begin_ns()) / 4;
    QTRY_VERIFY(w.moment() != truth.end_ns());
    QVERIFY(w.moment() >= quarter - (truth.end_ns() - truth.begin_ns()) / 1000);
    QVERIFY(w.moment() <= quarter + (truth.end_ns() - truth.begin_ns()) / 1000);
    QCOMPARE(w.shownSnapshot(), truth.nearest_snapshot(w.moment()));

    // A recorded command takes the scrubber to its time.
    QCOMPARE(w.commands()->count(), 1);
    emit w.commands()->itemActivated(w.commands()->item(0));
    QCOMPARE(w.moment(), truth.commands()[0].clock_ns);
}

void TestSessions::mainWindowHasTheSessionEntries() {
    const QString db = dir_.filePath(QStringLiteral("window.db"));
    save_recording_settings(recording_into(db));
    MainWindow w;
    auto* actions = w.findChild<SessionActions*>();
    QVERIFY(actions);
    QVERIFY(actions->recordAction()->isChecked());
    QVERIFY(w.openDemo(small_engine(), true));
    w.controller()->step(1000);
    w.controller()->sync();
    QTRY_VERIFY(actions->liveSession() > 0);
    SessionBrowser* browser = actions->openBrowser();
    QCOMPARE(browser->model()->path(), db);
    QCOMPARE(browser->model()->rowCount(), 1);
    QCOMPARE(browser->model()->session(0).id, actions->liveSession());

    // Unticking Settings > Record sessions ends the session and is remembered.
    actions->recordAction()->setChecked(false);
    w.controller()->sync();
    QVERIFY(!load_recording_settings().enabled);
    store::SessionReader reader(db.toStdString());
    QCOMPARE(reader.list().back().outcome, std::string("recording settings changed"));
    save_recording_settings(recording_into(dir_.filePath(QStringLiteral("default.db"))));
}

QTEST_MAIN(TestSessions)
#include "tst_sessions.moc"
