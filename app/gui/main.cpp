// bucketscope: the desktop workbench.
//
// Starts a demo engine on a RAM device so the window is alive from the first second, and
// makes the demo image (a formatted cache in the application data folder) on first start.
// An IMAGE argument (or --demo-image) is opened read-only as File > Open would. The
// language follows the system locale unless Settings > Language chose one. With
// --screenshot FILE it runs the engine for --steps task steps (on the opened image's
// geometry, if one was given), switches the policy, forces a GC, saves the window as FILE
// and exits: that is how the README's screenshots are made and what the xvfb smoke test
// runs (under xvfb-run on a machine without a display). --inspect-only shoots the image as
// inspected instead, running nothing. --run runs the engine on the image itself, as "Open
// for running" does (the flag stands for the confirmation; a target the safety probe
// refuses stays refused), and --workload SPEC (with --cache-mode) feeds it a generator
// spec, as the workload dock does.
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QEventLoop>
#include <QLibraryInfo>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QTranslator>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "widgets/engine_controller.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_panel.h"
#include "widgets/image_controller.h"
#include "widgets/image_panel.h"
#include "widgets/long_job.h"
#include "widgets/mainwindow.h"
#include "widgets/metric_plots.h"

namespace {

// Installs the app's and Qt's own translations for the chosen (or the system) language.
void install_translations(QApplication& app, const QString& forced) {
    const QString setting = forced.isEmpty() ? QSettings().value(QStringLiteral("language")).toString() : forced;
    const QLocale locale = setting.isEmpty() ? QLocale::system() : QLocale(setting);
    auto* ours = new QTranslator(&app);
    if (ours->load(locale, QStringLiteral("bucketscope"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(ours);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bucketscope"));
    QApplication::setOrganizationName(QStringLiteral("bucketscope"));
    QApplication::setApplicationVersion(QStringLiteral(BUCKETSCOPE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/bucketscope/bucketscope.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inspector and tuning workbench for the Linux bcache bucket allocator"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Run the demo, save the window as <file> and exit."),
                                        QStringLiteral("file"));
    const QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("Task steps to run before the screenshot."),
                                   QStringLiteral("n"), QStringLiteral("20000"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("Language code (en, de), overriding the settings."),
                                      QStringLiteral("code"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for the screenshot."),
                                  QStringLiteral("WxH"), QStringLiteral("1400x900"));
    const QCommandLineOption demo_image(QStringLiteral("demo-image"),
                                        QStringLiteral("Open the demo image made on first start."));
    const QCommandLineOption inspect_only(QStringLiteral("inspect-only"),
                                          QStringLiteral("With --screenshot and an image: show the image as inspected, run nothing."));
    const QCommandLineOption run_image(QStringLiteral("run"),
                                       QStringLiteral("With --screenshot and an image: run the engine on the image itself (it is written)."));
    const QCommandLineOption workload(QStringLiteral("workload"),
                                      QStringLiteral("With --screenshot: a generator spec for the engine, e.g. zipf:span=32M,read=70."),
                                      QStringLiteral("spec"));
    const QCommandLineOption cache_mode(QStringLiteral("cache-mode"),
                                        QStringLiteral("With --workload: writethrough, writeback, writearound or none."),
                                        QStringLiteral("mode"), QStringLiteral("writethrough"));
    parser.addOptions({screenshot, steps, language, size, demo_image, inspect_only, run_image, workload, cache_mode});
    parser.addPositionalArgument(QStringLiteral("image"),
                                 QStringLiteral("A cache image or device to open read-only."),
                                 QStringLiteral("[image]"));
    parser.process(app);
    install_translations(app, parser.value(language));

    QString why;
    if (!bucketscope::ImageController::ensureDemoImage(&why))
        std::fprintf(stderr, "bucketscope: no demo image: %s\n", qPrintable(why));
    QString image = parser.positionalArguments().value(0);
    if (image.isEmpty() && parser.isSet(demo_image))
        image = bucketscope::ImageController::demoImagePath();

    bucketscope::MainWindow window;
    const bool shooting = parser.isSet(screenshot);
    if (shooting) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
        window.setSideBySide(true);
    }
    window.show();
    if (!window.openDemo(bucketscope::demo_engine_options(), shooting))
        return shooting ? 2 : app.exec();
    if (!image.isEmpty())
        window.openImage(image);
    if (!shooting)
        return app.exec();

    // With an image: wait for inspect, then run its geometry as "Run its geometry in RAM"
    // does; the image dock keeps showing what was read.
    if (!image.isEmpty()) {
        if (auto* job = window.images()->currentJob())
            job->wait();
        const auto opened = window.imagePanel()->image();
        if (!opened || !opened->ok()) {
            std::fprintf(stderr, "bucketscope: could not inspect %s: %s\n", qPrintable(image),
                         opened ? qPrintable(opened->error) : "not opened");
            return 2;
        }
        if (parser.isSet(inspect_only)) {
            window.heatmap(0)->setField(bucketscope::HeatmapField::GcMark);
            window.heatmap(1)->setField(bucketscope::HeatmapField::Prio);
            if (auto* d = window.findChild<QDockWidget*>(QStringLiteral("priority_stats")))
                d->raise();
            const QImage img = window.renderScreenshot();
            if (!img.save(parser.value(screenshot)))
                return 1;
            std::printf("bucketscope: %s: %s inspected, %llu buckets\n", qPrintable(parser.value(screenshot)),
                        qPrintable(image), static_cast<unsigned long long>(opened->report->sb.nbuckets));
            return 0;
        }
        if (!parser.isSet(run_image)) {
            window.imagePanel()->simulateButton()->click();
            if (window.showingImage())
                return 2;
        }
    }

    bucketscope::WorkloadChoice choice;
    if (parser.isSet(workload)) {
        choice.kind = bucketscope::WorkloadChoice::Generator;
        choice.spec = parser.value(workload).toStdString();
        if (!bucketscope::parse_cache_mode(parser.value(cache_mode).toStdString(), choice.cache_mode)) {
            std::fprintf(stderr, "bucketscope: --cache-mode %s is not one of writethrough, writeback, writearound, none\n",
                         qPrintable(parser.value(cache_mode)));
            return 2;
        }
    }
    if (!image.isEmpty() && parser.isSet(run_image)) {
        QEventLoop wait;
        QString failure;
        QObject::connect(window.images(), &bucketscope::ImageController::runOpened, &wait, &QEventLoop::quit);
        QObject::connect(window.images(), &bucketscope::ImageController::runFailed, &wait,
                         [&](const QString&, const QString& reason) {
                             failure = reason;
                             wait.quit();
                         });
        window.runDevice(image, false, choice);
        wait.exec();
        window.controller()->sync();
        if (!failure.isEmpty()) {
            std::fprintf(stderr, "bucketscope: could not run on %s: %s\n", qPrintable(image), qPrintable(failure));
            return 2;
        }
    } else if (parser.isSet(workload)) {
        window.startWorkload(choice);
        if (!window.controller()->options().source) {
            std::fprintf(stderr, "bucketscope: --workload %s was refused\n", qPrintable(parser.value(workload)));
            return 2;
        }
    }

    // Screenshot mode: half the steps under LRU, then FIFO and a forced GC, then the rest,
    // in chunks the event ring can hold so the event log shows an unbroken tail.
    auto* c = window.controller();
    const quint64 n = parser.value(steps).toULongLong();
    constexpr quint64 kChunk = 10000;
    auto run = [&](quint64 total) {
        for (quint64 done = 0; done < total; done += kChunk) {
            c->step(std::min(kChunk, total - done));
            c->sync();
        }
    };
    run(n / 2);
    c->setPolicy(bucketscope::ReplacementPolicy::Fifo);
    c->triggerGc();
    c->sync();
    // Both commands must have reached the engine and come back in its event log.
    bool gc_forced = false, policy_logged = false;
    for (int r = 0; r < window.eventLog()->rowCount(); ++r) {
        const auto& e = window.eventLog()->row(r).event;
        gc_forced |= e.kind == bucketscope::EventKind::Command &&
                     e.value == uint64_t(bucketscope::CommandKind::TriggerGc);
        policy_logged |= e.kind == bucketscope::EventKind::PolicyChange;
    }
    run(n - n / 2);
    window.heatmap(1)->setField(bucketscope::HeatmapField::Prio);
    const bool requests = parser.isSet(workload);
    if (requests)
        window.plots()->showTab(bucketscope::MetricPlots::HitRatioTab);
    const std::vector<const char*> docks = requests ? std::vector{"plots", "workload", "details"}
                                                    : std::vector{"stalls", "image"};
    for (const char* dock : docks)
        if (auto* d = window.findChild<QDockWidget*>(QString::fromLatin1(dock)))
            d->raise();
    const QImage img = window.renderScreenshot();
    if (!img.save(parser.value(screenshot))) {
        std::fprintf(stderr, "bucketscope: could not write the screenshot to %s\n",
                     qPrintable(parser.value(screenshot)));
        return 1;
    }
    // What the run did, for the smoke test and for whoever made the screenshot.
    const auto f = c->lastFrame();
    std::printf("bucketscope: %s: %llu steps, %llu buckets, policy %s, %llu GC runs, trigger_gc %s, "
                "policy change %s\n",
                qPrintable(parser.value(screenshot)), static_cast<unsigned long long>(f->metrics.steps),
                static_cast<unsigned long long>(f->snapshot->nbuckets),
                bucketscope::to_string(f->snapshot->policy), static_cast<unsigned long long>(f->metrics.gc_runs),
                gc_forced ? "logged" : "missing", policy_logged ? "logged" : "missing");
    if (requests)
        std::printf("bucketscope: %llu requests, hit ratio %.1f %%, write amplification %.2f, on %s\n",
                    static_cast<unsigned long long>(f->metrics.requests), 100.0 * f->metrics.hit_ratio(),
                    f->metrics.write_amplification(), f->device.c_str());
    return 0;
}
