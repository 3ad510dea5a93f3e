<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>bucketscope::BucketDetails</name>
    <message>
        <source>Invalidate this bucket</source>
        <translation>Diesen Bucket invalidieren</translation>
    </message>
    <message>
        <source>Move the bucket to free_inc now, if the kernel would allow it</source>
        <translation>Den Bucket jetzt nach free_inc verschieben, sofern der Kernel es erlauben würde</translation>
    </message>
    <message>
        <source>Events since selected:</source>
        <translation>Ereignisse seit der Auswahl:</translation>
    </message>
    <message>
        <source>Click a bucket in a heatmap to follow it here.</source>
        <translation>Klicken Sie in einer Heatmap auf einen Bucket, um ihn hier zu verfolgen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Bucket %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bucket %1&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>bucketscope::BucketText</name>
    <message>
        <source>%1 (BTREE_PRIO: metadata)</source>
        <translation>%1 (BTREE_PRIO: Metadaten)</translation>
    </message>
    <message>
        <source>0 (free or never used)</source>
        <translation>0 (frei oder nie benutzt)</translation>
    </message>
    <message>
        <source>in use (on no list)</source>
        <translation>in Benutzung (auf keiner Liste)</translation>
    </message>
    <message>
        <source>free[BTREE]</source>
        <translation>free[BTREE]</translation>
    </message>
    <message>
        <source>free[PRIO]</source>
        <translation>free[PRIO]</translation>
    </message>
    <message>
        <source>free[MOVINGGC]</source>
        <translation>free[MOVINGGC]</translation>
    </message>
    <message>
        <source>free[NONE]</source>
        <translation>free[NONE]</translation>
    </message>
    <message>
        <source>free_inc</source>
        <translation>free_inc</translation>
    </message>
    <message>
        <source>open bucket</source>
        <translation>offener Bucket</translation>
    </message>
    <message>
        <source>prio bucket</source>
        <translation>Prio-Bucket</translation>
    </message>
    <message>
        <source>journal bucket</source>
        <translation>Journal-Bucket</translation>
    </message>
    <message>
        <source>superblock area</source>
        <translation>Superblock-Bereich</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>unused</source>
        <translation>unbenutzt</translation>
    </message>
    <message>
        <source>reclaimable</source>
        <translation>wiederverwendbar</translation>
    </message>
    <message>
        <source>dirty</source>
        <translation>dirty (nicht zurückgeschrieben)</translation>
    </message>
    <message>
        <source>metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>BTREE</source>
        <translation>BTREE</translation>
    </message>
    <message>
        <source>PRIO</source>
        <translation>PRIO</translation>
    </message>
    <message>
        <source>MOVINGGC</source>
        <translation>MOVINGGC</translation>
    </message>
    <message>
        <source>NONE</source>
        <translation>NONE</translation>
    </message>
    <message>
        <source>LRU</source>
        <translation>LRU</translation>
    </message>
    <message>
        <source>FIFO</source>
        <translation>FIFO</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>%1 (at BUCKET_GC_GEN_MAX: not invalidated until GC runs)</source>
        <translation>%1 (bei BUCKET_GC_GEN_MAX: keine Invalidierung vor dem nächsten GC)</translation>
    </message>
    <message>
        <source>%1 (%2 below BUCKET_GC_GEN_MAX)</source>
        <translation>%1 (%2 unter BUCKET_GC_GEN_MAX)</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>Gen</source>
        <translation>Gen</translation>
    </message>
    <message>
        <source>Prio</source>
        <translation>Prio</translation>
    </message>
    <message>
        <source>GC mark</source>
        <translation>GC-Markierung</translation>
    </message>
    <message>
        <source>Sectors used</source>
        <translation>Belegte Sektoren</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Pin</translation>
    </message>
    <message>
        <source>65535 or more</source>
        <translation>65535 oder mehr</translation>
    </message>
    <message>
        <source>List</source>
        <translation>Liste</translation>
    </message>
    <message>
        <source>Gen distance</source>
        <translation>Gen-Abstand</translation>
    </message>
</context>
<context>
    <name>bucketscope::ControlsPanel</name>
    <message>
        <source>Run</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Trigger GC</source>
        <translation>GC auslösen</translation>
    </message>
    <message>
        <source>Invalidate pass</source>
        <translation>Invalidierungsdurchlauf</translation>
    </message>
    <message>
        <source>Rescale prios</source>
        <translation>Prios neu skalieren</translation>
    </message>
    <message>
        <source>Discard buckets before reuse</source>
        <translation>Buckets vor der Wiederverwendung verwerfen (Discard)</translation>
    </message>
    <message>
        <source>Run the engine continuously, or pause it</source>
        <translation>Die Engine fortlaufend ausführen oder anhalten</translation>
    </message>
    <message>
        <source>Run exactly one task step</source>
        <translation>Genau einen Task-Schritt ausführen</translation>
    </message>
    <message>
        <source>Task steps per 10 ms tick</source>
        <translation>Task-Schritte pro 10-ms-Takt</translation>
    </message>
    <message>
        <source>cache_replacement_policy: which buckets invalidation picks</source>
        <translation>cache_replacement_policy: welche Buckets die Invalidierung auswählt</translation>
    </message>
    <message>
        <source>As writing trigger_gc in sysfs: run garbage collection now</source>
        <translation>Wie das Schreiben von trigger_gc in sysfs: Garbage Collection jetzt ausführen</translation>
    </message>
    <message>
        <source>Run one invalidate pass now, filling free_inc</source>
        <translation>Jetzt einen Invalidierungsdurchlauf ausführen, der free_inc füllt</translation>
    </message>
    <message>
        <source>Run one bch_rescale_priorities pass now</source>
        <translation>Jetzt einen Durchlauf von bch_rescale_priorities ausführen</translation>
    </message>
    <message>
        <source>Outline this many buckets the current policy would invalidate next</source>
        <translation>So viele Buckets markieren, wie die aktuelle Strategie als Nächstes invalidieren würde</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Waiting on</source>
        <translation>Wartet auf</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>Allocator</source>
        <translation>Allokator</translation>
    </message>
    <message>
        <source>Replacement policy</source>
        <translation>Ersetzungsstrategie</translation>
    </message>
    <message>
        <source>Next victims shown</source>
        <translation>Angezeigte nächste Opfer</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Engine time %1 ms · %2 steps · min_prio %3 · %4 events dropped · %5 invariant violations</source>
        <translation>Engine-Zeit %1 ms · %2 Schritte · min_prio %3 · %4 Ereignisse verworfen · %5 Invariantenverletzungen</translation>
    </message>
    <message>
        <source>Steps per tick: %1</source>
        <translation>Schritte pro Takt: %1</translation>
    </message>
</context>
<context>
    <name>bucketscope::EngineWorker</name>
    <message>
        <source>The engine stopped: every task is blocked or finished.</source>
        <translation>Die Engine hat angehalten: Jeder Task ist blockiert oder fertig.</translation>
    </message>
    <message>
        <source>Invalidation refused: %1</source>
        <translation>Invalidierung abgelehnt: %1</translation>
    </message>
    <message>
        <source>No engine was opened.</source>
        <translation>Es wurde keine Engine geöffnet.</translation>
    </message>
    <message>
        <source>The engine stopped on an I/O error: %1</source>
        <translation>Die Engine hat wegen eines E/A-Fehlers angehalten: %1</translation>
    </message>
    <message>
        <source>The workload ended after %1 requests.</source>
        <translation>Die Last endete nach %1 Anfragen.</translation>
    </message>
    <message>
        <source>The workload stopped: %1</source>
        <translation>Die Last wurde angehalten: %1</translation>
    </message>
    <message>
        <source>The engine was closed; open the image for running again to go on.</source>
        <translation>Die Engine wurde geschlossen; öffnen Sie das Abbild erneut zum Ausführen, um fortzufahren.</translation>
    </message>
</context>
<context>
    <name>bucketscope::EventLog</name>
    <message>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Alle Ereignisse</translation>
    </message>
    <message>
        <source>Keep the newest event in view</source>
        <translation>Das neueste Ereignis im Blick behalten</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>bucketscope::EventLogModel</name>
    <message>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Time (ms)</source>
        <translation>Zeit (ms)</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschah</translation>
    </message>
</context>
<context>
    <name>bucketscope::EventText</name>
    <message>
        <source>replacement policy written</source>
        <translation>Ersetzungsstrategie geschrieben</translation>
    </message>
    <message>
        <source>trigger_gc written: GC woken</source>
        <translation>trigger_gc geschrieben: GC geweckt</translation>
    </message>
    <message>
        <source>forced invalidation</source>
        <translation>erzwungene Invalidierung</translation>
    </message>
    <message>
        <source>forced priority rescale</source>
        <translation>erzwungene Neuskalierung der Prioritäten</translation>
    </message>
    <message>
        <source>discard setting changed</source>
        <translation>Discard-Einstellung geändert</translation>
    </message>
    <message>
        <source>command %1</source>
        <translation>Befehl %1</translation>
    </message>
    <message>
        <source>bucket %1 invalidated: gen %2 to %3, %4 sectors of cached data dropped</source>
        <translation>Bucket %1 invalidiert: Gen %2 auf %3, %4 Sektoren zwischengespeicherter Daten verworfen</translation>
    </message>
    <message>
        <source>bucket %1 allocated from free[%2] (gen %3)</source>
        <translation>Bucket %1 aus free[%2] alloziert (Gen %3)</translation>
    </message>
    <message>
        <source>allocation from free[%1] failed: the free lists are empty, the caller waits</source>
        <translation>Allokation aus free[%1] fehlgeschlagen: Die Freilisten sind leer, der Aufrufer wartet</translation>
    </message>
    <message>
        <source>garbage collection started</source>
        <translation>Garbage Collection gestartet</translation>
    </message>
    <message>
        <source>garbage collection finished after %1 ms</source>
        <translation>Garbage Collection nach %1 ms beendet</translation>
    </message>
    <message>
        <source>prios and gens written (prio set %1, first prio bucket %2)</source>
        <translation>Prios und Gens geschrieben (Prio-Satz %1, erster Prio-Bucket %2)</translation>
    </message>
    <message>
        <source>btree node in bucket %1 replaced: gen bumped to %2, freed once its parent is written</source>
        <translation>Btree-Knoten in Bucket %1 ersetzt: Gen auf %2 erhöht, freigegeben, sobald sein Elternknoten geschrieben ist</translation>
    </message>
    <message>
        <source>journal entry %1 written to bucket %2</source>
        <translation>Journaleintrag %1 in Bucket %2 geschrieben</translation>
    </message>
    <message>
        <source>bucket %1 discarded before reuse</source>
        <translation>Bucket %1 vor der Wiederverwendung verworfen (Discard)</translation>
    </message>
    <message>
        <source>priorities rescaled: min_prio is now %1</source>
        <translation>Prioritäten neu skaliert: min_prio ist jetzt %1</translation>
    </message>
    <message>
        <source>replacement policy set to %1</source>
        <translation>Ersetzungsstrategie auf %1 gesetzt</translation>
    </message>
    <message>
        <source>error %1 (see the engine&apos;s last error)</source>
        <translation>Fehler %1 (siehe letzten Fehler der Engine)</translation>
    </message>
    <message>
        <source>unknown event</source>
        <translation>unbekanntes Ereignis</translation>
    </message>
</context>
<context>
    <name>bucketscope::FormatDialog</name>
    <message>
        <source>Discard freed buckets (CACHE_DISCARD)</source>
        <translation>Freigegebene Buckets verwerfen (CACHE_DISCARD)</translation>
    </message>
    <message>
        <source>Format new image</source>
        <translation>Neues Abbild formatieren</translation>
    </message>
    <message>
        <source>image file or block device</source>
        <translation>Abbilddatei oder Blockgerät</translation>
    </message>
    <message>
        <source>A missing file is created with the size below; an existing target is never resized</source>
        <translation>Eine fehlende Datei wird mit der Größe unten angelegt; ein vorhandenes Ziel wird nie in der Größe verändert</translation>
    </message>
    <message>
        <source>Bytes to format (K, M, G, T suffixes; s for 512-byte sectors). Empty: the whole existing target</source>
        <translation>Zu formatierende Bytes (Endungen K, M, G, T; s für 512-Byte-Sektoren). Leer: das ganze vorhandene Ziel</translation>
    </message>
    <message>
        <source>Bucket size (make-bcache -b); a power of two of at least one page</source>
        <translation>Bucket-Größe (make-bcache -b); eine Zweierpotenz von mindestens einer Seite</translation>
    </message>
    <message>
        <source>Block size (make-bcache -w). Empty: the device&apos;s logical block size, or st_blksize for an image file</source>
        <translation>Blockgröße (make-bcache -w). Leer: die logische Blockgröße des Geräts oder st_blksize einer Abbilddatei</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Format…</source>
        <translation>Formatieren…</translation>
    </message>
    <message>
        <source>Probes the target and asks before writing</source>
        <translation>Prüft das Ziel und fragt vor dem Schreiben nach</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Bucket size</source>
        <translation>Bucket-Größe</translation>
    </message>
    <message>
        <source>Block size</source>
        <translation>Blockgröße</translation>
    </message>
    <message>
        <source>Replacement policy</source>
        <translation>Ersetzungsstrategie</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>%1: required</source>
        <translation>%1: erforderlich</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Target: required</source>
        <translation>Ziel: erforderlich</translation>
    </message>
    <message>
        <source>%1 buckets of %2 sectors, first bucket %3</source>
        <translation>%1 Buckets zu %2 Sektoren, erster Bucket %3</translation>
    </message>
    <message>
        <source>New cache image</source>
        <translation>Neues Cache-Abbild</translation>
    </message>
    <message>
        <source>Cache images (*.img);;All files (*)</source>
        <translation>Cache-Abbilder (*.img);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>bucketscope::HeatmapPanel</name>
    <message>
        <source>Bucket field shown by the heatmap</source>
        <translation>Von der Heatmap gezeigtes Bucket-Feld</translation>
    </message>
    <message>
        <source>Hilbert curve</source>
        <translation>Hilbert-Kurve</translation>
    </message>
    <message>
        <source>Row by row</source>
        <translation>Zeilenweise</translation>
    </message>
    <message>
        <source>How bucket numbers are laid out: the Hilbert curve keeps neighbouring buckets together</source>
        <translation>Wie die Bucket-Nummern angeordnet werden: Die Hilbert-Kurve hält benachbarte Buckets zusammen</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Zoom to show every bucket (or double-click the map)</source>
        <translation>So zoomen, dass jeder Bucket sichtbar ist (oder Doppelklick auf die Karte)</translation>
    </message>
</context>
<context>
    <name>bucketscope::HeatmapText</name>
    <message>
        <source>prio 1</source>
        <translation>Prio 1</translation>
    </message>
    <message>
        <source>INITIAL_PRIO (32768)</source>
        <translation>INITIAL_PRIO (32768)</translation>
    </message>
    <message>
        <source>prio 0</source>
        <translation>Prio 0</translation>
    </message>
    <message>
        <source>BTREE_PRIO</source>
        <translation>BTREE_PRIO</translation>
    </message>
    <message>
        <source>gen 0</source>
        <translation>Gen 0</translation>
    </message>
    <message>
        <source>gen 255 (wraps)</source>
        <translation>Gen 255 (läuft über)</translation>
    </message>
    <message>
        <source>unused</source>
        <translation>unbenutzt</translation>
    </message>
    <message>
        <source>reclaimable (clean)</source>
        <translation>wiederverwendbar (sauber)</translation>
    </message>
    <message>
        <source>dirty</source>
        <translation>dirty (nicht zurückgeschrieben)</translation>
    </message>
    <message>
        <source>metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>1 pin</source>
        <translation>1 Pin</translation>
    </message>
    <message>
        <source>8+ pins</source>
        <translation>8+ Pins</translation>
    </message>
    <message>
        <source>unpinned</source>
        <translation>nicht gepinnt</translation>
    </message>
    <message>
        <source>1 sector</source>
        <translation>1 Sektor</translation>
    </message>
    <message>
        <source>%1 sectors (full)</source>
        <translation>%1 Sektoren (voll)</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>&gt;= BUCKET_GC_GEN_MAX: needs GC</source>
        <translation>&gt;= BUCKET_GC_GEN_MAX: braucht GC</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>GC mark</source>
        <translation>GC-Markierung</translation>
    </message>
    <message>
        <source>Pin count</source>
        <translation>Pin-Anzahl</translation>
    </message>
    <message>
        <source>Sectors used</source>
        <translation>Belegte Sektoren</translation>
    </message>
    <message>
        <source>List membership</source>
        <translation>Listenzugehörigkeit</translation>
    </message>
    <message>
        <source>Gen distance (GC)</source>
        <translation>Gen-Abstand (GC)</translation>
    </message>
</context>
<context>
    <name>bucketscope::HeatmapWidget</name>
    <message>
        <source>No engine running</source>
        <translation>Keine Engine aktiv</translation>
    </message>
</context>
<context>
    <name>bucketscope::ImageController</name>
    <message>
        <source>Another job is still running; wait for it or cancel it first.</source>
        <translation>Es läuft noch ein anderer Auftrag; warten Sie ihn ab oder brechen Sie ihn zuerst ab.</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>Das Öffnen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Open image read-only</source>
        <translation>Abbild schreibgeschützt öffnen</translation>
    </message>
    <message>
        <source>Inspecting %1…</source>
        <translation>%1 wird untersucht…</translation>
    </message>
    <message>
        <source>a bcache cache superblock, as make-bcache -C writes it</source>
        <translation>einen bcache-Cache-Superblock, wie make-bcache -C ihn schreibt</translation>
    </message>
    <message>
        <source>cancelled before anything was written</source>
        <translation>abgebrochen, bevor etwas geschrieben wurde</translation>
    </message>
    <message>
        <source>%1 was not formatted: %2</source>
        <translation>%1 wurde nicht formatiert: %2</translation>
    </message>
    <message>
        <source>%1 formatted: %2 buckets of %3 sectors, block %4 sectors, first bucket %5</source>
        <translation>%1 formatiert: %2 Buckets zu %3 Sektoren, Block %4 Sektoren, erster Bucket %5</translation>
    </message>
    <message>
        <source>Format new image</source>
        <translation>Neues Abbild formatieren</translation>
    </message>
    <message>
        <source>Formatting %1…</source>
        <translation>%1 wird formatiert…</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>run the engine on it: journal entries, prio sets, btree nodes and cached data, and an updated superblock</source>
        <translation>die Engine darauf laufen lassen: Journal-Einträge, Prio-Sätze, B-Baum-Knoten und zwischengespeicherte Daten sowie einen aktualisierten Superblock</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>The engine was not started on %1: %2</source>
        <translation>Die Engine wurde nicht auf %1 gestartet: %2</translation>
    </message>
    <message>
        <source>Open for running</source>
        <translation>Zum Ausführen öffnen</translation>
    </message>
    <message>
        <source>Opening %1 for running…</source>
        <translation>%1 wird zum Ausführen geöffnet…</translation>
    </message>
</context>
<context>
    <name>bucketscope::ImagePanel</name>
    <message>
        <source>Open for running…</source>
        <translation>Zum Ausführen öffnen…</translation>
    </message>
    <message>
        <source>Run its geometry in RAM</source>
        <translation>Geometrie im RAM ausführen</translation>
    </message>
    <message>
        <source>Close image</source>
        <translation>Abbild schließen</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Run the engine on this device; it will be written after you confirm</source>
        <translation>Die Engine auf diesem Gerät ausführen; es wird nach Ihrer Bestätigung beschrieben</translation>
    </message>
    <message>
        <source>Start the engine on a RAM device with this image&apos;s geometry, policy and discard setting; the image itself is not written</source>
        <translation>Die Engine auf einem RAM-Gerät mit Geometrie, Strategie und Discard-Einstellung dieses Abbilds starten; das Abbild selbst wird nicht beschrieben</translation>
    </message>
    <message>
        <source>Show the live engine again</source>
        <translation>Wieder die laufende Engine zeigen</translation>
    </message>
    <message>
        <source>No image open. File ▸ Open image read-only… shows a cache device the kernel (or the engine) wrote.</source>
        <translation>Kein Abbild geöffnet. Datei ▸ Abbild schreibgeschützt öffnen… zeigt ein Cache-Gerät, das der Kernel (oder die Engine) geschrieben hat.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (opened read-only; nothing is written)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (schreibgeschützt geöffnet; es wird nichts geschrieben)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; could not be inspected</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; konnte nicht untersucht werden</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>inspect</source>
        <translation>inspect</translation>
    </message>
    <message>
        <source>Before writing (safety probe)</source>
        <translation>Vor dem Schreiben (Sicherheitsprüfung)</translation>
    </message>
    <message>
        <source>blocks writing</source>
        <translation>verhindert Schreiben</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>found</source>
        <translation>gefunden</translation>
    </message>
    <message>
        <source>nothing that would stop a write</source>
        <translation>nichts, was einen Schreibvorgang verhindern würde</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>Untersuchung</translation>
    </message>
    <message>
        <source>Superblock</source>
        <translation>Superblock</translation>
    </message>
</context>
<context>
    <name>bucketscope::LongJob</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Reading the journal buckets (%1)</source>
        <translation>Journal-Buckets werden gelesen (%1)</translation>
    </message>
    <message>
        <source>Reading the prio sets (%1)</source>
        <translation>Prio-Sätze werden gelesen (%1)</translation>
    </message>
    <message>
        <source>Walking the btree (%1 nodes)</source>
        <translation>B-Baum wird durchlaufen (%1 Knoten)</translation>
    </message>
    <message>
        <source>Marking the buckets of %1 extents</source>
        <translation>Buckets von %1 Extents werden markiert</translation>
    </message>
    <message>
        <source>Checking the target for mounts, holders and signatures</source>
        <translation>Ziel wird auf Einhängepunkte, Halter und Signaturen geprüft</translation>
    </message>
    <message>
        <source>Checking the geometry</source>
        <translation>Geometrie wird geprüft</translation>
    </message>
    <message>
        <source>Writing the superblock</source>
        <translation>Superblock wird geschrieben</translation>
    </message>
    <message>
        <source>Registering the cache: journal replay, prio sets, btree, initial GC</source>
        <translation>Cache wird registriert: Journal-Wiedergabe, Prio-Sätze, B-Baum, erste GC</translation>
    </message>
    <message>
        <source>Reading the trace (%1 %)</source>
        <translation>Trace wird gelesen (%1 %)</translation>
    </message>
    <message>
        <source>Replaying the journal (%1 keys)</source>
        <translation>Journal wird wiedergegeben (%1 Schlüssel)</translation>
    </message>
</context>
<context>
    <name>bucketscope::MainWindow</name>
    <message>
        <source>bucketscope</source>
        <translation>bucketscope</translation>
    </message>
    <message>
        <source>No engine running</source>
        <translation>Keine Engine aktiv</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>Steuerung</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Messwerte</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>Ereignisprotokoll</translation>
    </message>
    <message>
        <source>priority_stats</source>
        <translation>priority_stats</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New demo engine…</source>
        <translation>&amp;Neue Demo-Engine …</translation>
    </message>
    <message>
        <source>&amp;Open image read-only…</source>
        <translation>Abbild schreibgeschützt ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>Save &amp;screenshot…</source>
        <translation>&amp;Bildschirmfoto speichern …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Two heatmaps side by side</source>
        <translation>Zwei Heatmaps nebeneinander</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About bucketscope</source>
        <translation>&amp;Über bucketscope</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Could not start the engine: %1</source>
        <translation>Die Engine konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>New demo engine</source>
        <translation>Neue Demo-Engine</translation>
    </message>
    <message>
        <source>The engine refused these settings:
%1</source>
        <translation>Die Engine hat diese Einstellungen abgelehnt:
%1</translation>
    </message>
    <message>
        <source>Demo engine: %1 buckets of %2 sectors on a RAM device, started with the %3 policy, Linux %4</source>
        <translation>Demo-Engine: %1 Buckets zu %2 Sektoren auf einem RAM-Gerät, gestartet mit Strategie %3, Linux %4</translation>
    </message>
    <message>
        <source>Open cache image read-only</source>
        <translation>Cache-Abbild schreibgeschützt öffnen</translation>
    </message>
    <message>
        <source>Cache images (*.img *.bin);;All files (*)</source>
        <translation>Cache-Abbilder (*.img *.bin);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Save screenshot</source>
        <translation>Bildschirmfoto speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The language changes when bucketscope starts next.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von bucketscope.</translation>
    </message>
    <message>
        <source>About bucketscope</source>
        <translation>Über bucketscope</translation>
    </message>
    <message>
        <source>&lt;h3&gt;bucketscope %1&lt;/h3&gt;&lt;p&gt;An inspector and tuning workbench for the Linux bcache bucket allocator.&lt;/p&gt;&lt;p&gt;The engine reproduces the kernel&apos;s alloc.c (Linux 6.2 and 4.6): gens, prios, free lists, invalidation policies, GC and prio writes, on a RAM device or a cache image.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;bucketscope %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank zum Untersuchen und Abstimmen des Bucket-Allokators von Linux-bcache.&lt;/p&gt;&lt;p&gt;Die Engine bildet alloc.c des Kernels nach (Linux 6.2 und 4.6): Gens, Prios, Freilisten, Invalidierungsstrategien, GC und Prio-Schreibvorgänge, auf einem RAM-Gerät oder einem Cache-Abbild.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>Last</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Abbild</translation>
    </message>
    <message>
        <source>Stall timeline</source>
        <translation>Zeitleiste der Wartezeiten</translation>
    </message>
    <message>
        <source>Open the &amp;demo image</source>
        <translation>&amp;Demo-Abbild öffnen</translation>
    </message>
    <message>
        <source>Demo image</source>
        <translation>Demo-Abbild</translation>
    </message>
    <message>
        <source>Could not create the demo image: %1</source>
        <translation>Das Demo-Abbild konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>&amp;Format new image…</source>
        <translation>Neues Abbild &amp;formatieren…</translation>
    </message>
    <message>
        <source>Could not inspect %1: %2</source>
        <translation>%1 konnte nicht untersucht werden: %2</translation>
    </message>
    <message>
        <source>bucketscope — %1 (read-only)</source>
        <translation>bucketscope — %1 (schreibgeschützt)</translation>
    </message>
    <message>
        <source>%1: %2 buckets of %3 sectors, opened read-only</source>
        <translation>%1: %2 Buckets zu %3 Sektoren, schreibgeschützt geöffnet</translation>
    </message>
    <message>
        <source>Open for running</source>
        <translation>Zum Ausführen öffnen</translation>
    </message>
    <message>
        <source>The engine was not started on %1:
%2</source>
        <translation>Die Engine wurde nicht auf %1 gestartet:
%2</translation>
    </message>
    <message>
        <source>The engine was closed cleanly: everything it did is on the device.</source>
        <translation>Die Engine wurde sauber geschlossen: Alles, was sie getan hat, steht auf dem Gerät.</translation>
    </message>
    <message>
        <source>The engine could not be closed cleanly: %1</source>
        <translation>Die Engine konnte nicht sauber geschlossen werden: %1</translation>
    </message>
    <message>
        <source>Open image for r&amp;unning…</source>
        <translation>Abbild zum A&amp;usführen öffnen …</translation>
    </message>
    <message>
        <source>&amp;Close the engine</source>
        <translation>Engine &amp;schließen</translation>
    </message>
    <message>
        <source>Stop the engine; on a device, write every unwritten btree node and a last journal entry first</source>
        <translation>Die Engine anhalten; auf einem Gerät vorher jeden ungeschriebenen B-Baum-Knoten und einen letzten Journal-Eintrag schreiben</translation>
    </message>
    <message>
        <source>Could not start the workload: %1</source>
        <translation>Die Last konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>Open cache image for running</source>
        <translation>Cache-Abbild zum Ausführen öffnen</translation>
    </message>
    <message>
        <source>Another job is still running; wait for it or cancel it first.</source>
        <translation>Es läuft noch ein anderer Auftrag; warten Sie ihn ab oder brechen Sie ihn zuerst ab.</translation>
    </message>
    <message>
        <source>bucketscope — %1 (running on it)</source>
        <translation>bucketscope — %1 (läuft darauf)</translation>
    </message>
    <message>
        <source>Running the engine on %1: %2 buckets of %3 sectors, the %4 policy from its superblock</source>
        <translation>Die Engine läuft auf %1: %2 Buckets zu %3 Sektoren, Strategie %4 aus seinem Superblock</translation>
    </message>
</context>
<context>
    <name>bucketscope::MetricHistory</name>
    <message>
        <source>free[BTREE] %</source>
        <translation>free[BTREE] %</translation>
    </message>
    <message>
        <source>free[PRIO] %</source>
        <translation>free[PRIO] %</translation>
    </message>
    <message>
        <source>free[MOVINGGC] %</source>
        <translation>free[MOVINGGC] %</translation>
    </message>
    <message>
        <source>free[NONE] %</source>
        <translation>free[NONE] %</translation>
    </message>
    <message>
        <source>free_inc %</source>
        <translation>free_inc %</translation>
    </message>
    <message>
        <source>allocations/s</source>
        <translation>Allokationen/s</translation>
    </message>
    <message>
        <source>invalidations/s</source>
        <translation>Invalidierungen/s</translation>
    </message>
    <message>
        <source>bucket_alloc waits/s</source>
        <translation>Wartevorgänge in bucket_alloc/s</translation>
    </message>
    <message>
        <source>ms waited per s</source>
        <translation>ms Wartezeit pro s</translation>
    </message>
    <message>
        <source>GC runs</source>
        <translation>GC-Läufe</translation>
    </message>
    <message>
        <source>ms per GC run</source>
        <translation>ms pro GC-Lauf</translation>
    </message>
    <message>
        <source>prio writes</source>
        <translation>Prio-Schreibvorgänge</translation>
    </message>
    <message>
        <source>journal writes</source>
        <translation>Journal-Schreibvorgänge</translation>
    </message>
    <message>
        <source>discards</source>
        <translation>Discards</translation>
    </message>
    <message>
        <source>read hit ratio %</source>
        <translation>Lesetrefferquote %</translation>
    </message>
    <message>
        <source>write amplification</source>
        <translation>Schreibverstärkung</translation>
    </message>
    <message>
        <source>btree and metadata % of writes</source>
        <translation>B-Baum und Metadaten in % der Schreibvorgänge</translation>
    </message>
    <message>
        <source>read sectors hit %</source>
        <translation>Lesesektoren-Treffer %</translation>
    </message>
</context>
<context>
    <name>bucketscope::MetricPlots</name>
    <message>
        <source>Free lists</source>
        <translation>Freilisten</translation>
    </message>
    <message>
        <source>fill (%)</source>
        <translation>Füllstand (%)</translation>
    </message>
    <message>
        <source>Rates</source>
        <translation>Raten</translation>
    </message>
    <message>
        <source>buckets per second</source>
        <translation>Buckets pro Sekunde</translation>
    </message>
    <message>
        <source>Stalls</source>
        <translation>Wartezeiten</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>pro Sekunde</translation>
    </message>
    <message>
        <source>Metadata writes</source>
        <translation>Metadaten-Schreibvorgänge</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Hit ratio</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <source>reads that hit (%)</source>
        <translation>Lesezugriffe mit Treffer (%)</translation>
    </message>
    <message>
        <source>Save plot as PNG…</source>
        <translation>Diagramm als PNG speichern …</translation>
    </message>
    <message>
        <source>Export data as CSV…</source>
        <translation>Daten als CSV exportieren …</translation>
    </message>
    <message>
        <source>engine time (s)</source>
        <translation>Engine-Zeit (s)</translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>Messwerte exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Write amplification</source>
        <translation>Schreibverstärkung</translation>
    </message>
    <message>
        <source>written / inserted</source>
        <translation>geschrieben / eingefügt</translation>
    </message>
    <message>
        <source>Metadata share</source>
        <translation>Metadatenanteil</translation>
    </message>
    <message>
        <source>btree and metadata (% of sectors written)</source>
        <translation>B-Baum und Metadaten (% der geschriebenen Sektoren)</translation>
    </message>
</context>
<context>
    <name>bucketscope::NewEngineDialog</name>
    <message>
        <source>New demo engine</source>
        <translation>Neue Demo-Engine</translation>
    </message>
    <message>
        <source>nbuckets, including the buckets below first_bucket</source>
        <translation>nbuckets, einschließlich der Buckets unterhalb von first_bucket</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>Linux 6.2</source>
        <translation>Linux 6.2</translation>
    </message>
    <message>
        <source>Linux 4.6</source>
        <translation>Linux 4.6</translation>
    </message>
    <message>
        <source>Buckets</source>
        <translation>Buckets</translation>
    </message>
    <message>
        <source>Bucket size</source>
        <translation>Bucket-Größe</translation>
    </message>
    <message>
        <source>Replacement policy</source>
        <translation>Ersetzungsstrategie</translation>
    </message>
    <message>
        <source>Kernel profile</source>
        <translation>Kernel-Profil</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert (Seed)</translation>
    </message>
    <message>
        <source>Writer processes</source>
        <translation>Schreibende Prozesse</translation>
    </message>
    <message>
        <source>The RAM device takes %1.</source>
        <translation>Das RAM-Gerät belegt %1.</translation>
    </message>
    <message>
        <source>Too large: the RAM device would take %1, at most %2 are allowed.</source>
        <translation>Zu groß: Das RAM-Gerät würde %1 belegen, erlaubt sind höchstens %2.</translation>
    </message>
</context>
<context>
    <name>bucketscope::OpenedImageText</name>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>formatted, never registered: no journal, prios or btree yet</source>
        <translation>formatiert, nie registriert: noch kein Journal, keine Prios, kein B-Baum</translation>
    </message>
    <message>
        <source>registered (CACHE_SYNC set)</source>
        <translation>registriert (CACHE_SYNC gesetzt)</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>%1 entries found, newest seq %2, %3 to replay</source>
        <translation>%1 Einträge gefunden, neueste seq %2, %3 wiederzugeben</translation>
    </message>
    <message>
        <source>Prio sets</source>
        <translation>Prio-Sätze</translation>
    </message>
    <message>
        <source>%1 buckets, seq %2</source>
        <translation>%1 Buckets, seq %2</translation>
    </message>
    <message>
        <source>Btree</source>
        <translation>B-Baum</translation>
    </message>
    <message>
        <source>%1 nodes (%2 leaves), root level %3</source>
        <translation>%1 Knoten (%2 Blätter), Wurzelebene %3</translation>
    </message>
    <message>
        <source>Extents</source>
        <translation>Extents</translation>
    </message>
    <message>
        <source>%1 (%2 dirty), %3 live sectors, %4 dirty sectors</source>
        <translation>%1 (%2 dirty), %3 lebende Sektoren, %4 dirty-Sektoren</translation>
    </message>
    <message>
        <source>Buckets</source>
        <translation>Buckets</translation>
    </message>
    <message>
        <source>%1 unused, %2 reclaimable, %3 dirty, %4 metadata</source>
        <translation>%1 unbenutzt, %2 wiederverwendbar, %3 dirty, %4 Metadaten</translation>
    </message>
    <message>
        <source>Stale pointers</source>
        <translation>Veraltete Zeiger</translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation>Volumes</translation>
    </message>
    <message>
        <source>%1 uuids in use, %2 flash-only</source>
        <translation>%1 UUIDs in Benutzung, %2 nur Flash</translation>
    </message>
</context>
<context>
    <name>bucketscope::PriorityStatsPanel</name>
    <message>
        <source>No engine running</source>
        <translation>Keine Engine aktiv</translation>
    </message>
    <message>
        <source>buckets</source>
        <translation>Buckets</translation>
    </message>
    <message>
        <source>prio</source>
        <translation>Prio</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionActions</name>
    <message>
        <source>S&amp;essions</source>
        <translation>&amp;Sitzungen</translation>
    </message>
    <message>
        <source>&amp;Browse recorded sessions…</source>
        <translation>Aufgezeichnete Sitzungen &amp;durchsuchen …</translation>
    </message>
    <message>
        <source>&amp;Replay the newest session</source>
        <translation>Neueste Sitzung &amp;wiedergeben</translation>
    </message>
    <message>
        <source>&amp;Record sessions</source>
        <translation>Sitzungen &amp;aufzeichnen</translation>
    </message>
    <message>
        <source>Record every engine run, with its commands, in the session database</source>
        <translation>Jeden Engine-Lauf mit seinen Befehlen in der Sitzungsdatenbank aufzeichnen</translation>
    </message>
    <message>
        <source>&amp;Sessions…</source>
        <translation>Sit&amp;zungen …</translation>
    </message>
    <message>
        <source>No sessions recorded yet.</source>
        <translation>Noch keine Sitzungen aufgezeichnet.</translation>
    </message>
    <message>
        <source>Replay session</source>
        <translation>Sitzung wiedergeben</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionBrowser</name>
    <message>
        <source>&amp;Replay…</source>
        <translation>&amp;Wiedergeben …</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>Als &amp;CSV exportieren …</translation>
    </message>
    <message>
        <source>Export &amp;JSON…</source>
        <translation>Als &amp;JSON exportieren …</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Recorded sessions</source>
        <translation>Aufgezeichnete Sitzungen</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Prune…</source>
        <translation>&amp;Aufräumen …</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Database: %1 (sessions: %2)</source>
        <translation>Datenbank: %1 (Sitzungen: %2)</translation>
    </message>
    <message>
        <source>The session being recorded cannot be deleted</source>
        <translation>Die gerade aufgezeichnete Sitzung kann nicht gelöscht werden</translation>
    </message>
    <message>
        <source>Select a session.</source>
        <translation>Wählen Sie eine Sitzung aus.</translation>
    </message>
    <message>
        <source>No sessions recorded yet.</source>
        <translation>Noch keine Sitzungen aufgezeichnet.</translation>
    </message>
    <message>
        <source>Session %1%2
</source>
        <translation>Sitzung %1%2
</translation>
    </message>
    <message>
        <source> (recording now)</source>
        <translation> (wird gerade aufgezeichnet)</translation>
    </message>
    <message>
        <source>Started: %1
Ended: %2
Outcome: %3
</source>
        <translation>Begonnen: %1
Beendet: %2
Ergebnis: %3
</translation>
    </message>
    <message>
        <source>(not ended)</source>
        <translation>(nicht beendet)</translation>
    </message>
    <message>
        <source>Recorded by: %1, bucketscope %2
Kernel profile: %3
Device: %4
</source>
        <translation>Aufgezeichnet von: %1, bucketscope %2
Kernel-Profil: %3
Gerät: %4
</translation>
    </message>
    <message>
        <source>Superblock: %1
Options: %2
</source>
        <translation>Superblock: %1
Optionen: %2
</translation>
    </message>
    <message>
        <source>Events: %1 (%2 lost)
Metric samples: %3
Snapshots: %4
</source>
        <translation>Ereignisse: %1 (%2 verloren)
Messwertproben: %3
Snapshots: %4
</translation>
    </message>
    <message>
        <source>Commands (%1):
</source>
        <translation>Befehle (%1):
</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>writing %1 failed</source>
        <translation>Schreiben von %1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Replay session</source>
        <translation>Sitzung wiedergeben</translation>
    </message>
    <message>
        <source>Export session as CSV</source>
        <translation>Sitzung als CSV exportieren</translation>
    </message>
    <message>
        <source>Export session as JSON</source>
        <translation>Sitzung als JSON exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Export session</source>
        <translation>Sitzung exportieren</translation>
    </message>
    <message>
        <source>Delete sessions</source>
        <translation>Sitzungen löschen</translation>
    </message>
    <message>
        <source>Delete the selected sessions (%1) and everything they hold?</source>
        <translation>Die ausgewählten Sitzungen (%1) mit allem, was sie enthalten, löschen?</translation>
    </message>
    <message>
        <source>Prune sessions</source>
        <translation>Sitzungen aufräumen</translation>
    </message>
    <message>
        <source>Keep only the newest</source>
        <translation>Nur die neuesten behalten</translation>
    </message>
    <message>
        <source>Delete sessions started before</source>
        <translation>Sitzungen löschen, die begannen vor</translation>
    </message>
    <message>
        <source>Sessions deleted: %1</source>
        <translation>Gelöschte Sitzungen: %1</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionListModel</name>
    <message>
        <source>%1
superblock: %2
options: %3</source>
        <translation>%1
Superblock: %2
Optionen: %3</translation>
    </message>
    <message>
        <source>(not ended)</source>
        <translation>(nicht beendet)</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Started (UTC)</source>
        <translation>Begonnen (UTC)</translation>
    </message>
    <message>
        <source>Ended (UTC)</source>
        <translation>Beendet (UTC)</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Aufgezeichnet von</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>Kernel</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Snapshots</source>
        <translation>Snapshots</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Verloren</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionRecording</name>
    <message>
        <source>Sessions are not recorded.</source>
        <translation>Sitzungen werden nicht aufgezeichnet.</translation>
    </message>
    <message>
        <source>Recording session %1 in %2</source>
        <translation>Sitzung %1 wird in %2 aufgezeichnet</translation>
    </message>
    <message>
        <source>Not recording this session: %1</source>
        <translation>Diese Sitzung wird nicht aufgezeichnet: %1</translation>
    </message>
    <message>
        <source>The session log is incomplete (%1 records lost): %2</source>
        <translation>Das Sitzungsprotokoll ist unvollständig (%1 Datensätze verloren): %2</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionReplayWindow</name>
    <message>
        <source>Replay of session %1 (%2, %3)</source>
        <translation>Wiedergabe der Sitzung %1 (%2, %3)</translation>
    </message>
    <message>
        <source>Engine time of the recorded session</source>
        <translation>Engine-Zeit der aufgezeichneten Sitzung</translation>
    </message>
    <message>
        <source>◀ Snapshot</source>
        <translation>◀ Snapshot</translation>
    </message>
    <message>
        <source>Snapshot ▶</source>
        <translation>Snapshot ▶</translation>
    </message>
    <message>
        <source>Previous recorded snapshot</source>
        <translation>Vorheriger aufgezeichneter Snapshot</translation>
    </message>
    <message>
        <source>Next recorded snapshot</source>
        <translation>Nächster aufgezeichneter Snapshot</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <source>Metrics up to this moment</source>
        <translation>Messwerte bis zu diesem Zeitpunkt</translation>
    </message>
    <message>
        <source>Events around this moment</source>
        <translation>Ereignisse um diesen Zeitpunkt</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <source>t = %1 s of %2 s</source>
        <translation>t = %1 s von %2 s</translation>
    </message>
    <message>
        <source> · buckets as of the snapshot at %1 s</source>
        <translation> · Buckets laut Snapshot bei %1 s</translation>
    </message>
    <message>
        <source> · no snapshot recorded</source>
        <translation> · kein Snapshot aufgezeichnet</translation>
    </message>
    <message>
        <source> · %1 metric samples</source>
        <translation> · %1 Messwertproben</translation>
    </message>
    <message>
        <source> · gens unknown (no snapshot near these events)</source>
        <translation> · Gens unbekannt (kein Snapshot in der Nähe dieser Ereignisse)</translation>
    </message>
</context>
<context>
    <name>bucketscope::SessionSettingsDialog</name>
    <message>
        <source>Record every engine run as a session</source>
        <translation>Jeden Engine-Lauf als Sitzung aufzeichnen</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Leave empty for the default location</source>
        <translation>Leer lassen für den Standardort</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Seconds of engine time between bucket snapshots; 0 records only the last one</source>
        <translation>Sekunden Engine-Zeit zwischen Bucket-Snapshots; 0 zeichnet nur den letzten auf</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Snapshot interval</source>
        <translation>Snapshot-Intervall</translation>
    </message>
    <message>
        <source>Session database</source>
        <translation>Sitzungsdatenbank</translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite);;All files (*)</source>
        <translation>SQLite-Datenbanken (*.db *.sqlite);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>bucketscope::StallHistory</name>
    <message>
        <source>GC runs</source>
        <translation>GC-Läufe</translation>
    </message>
    <message>
        <source>invalidation batches</source>
        <translation>Invalidierungsstapel</translation>
    </message>
    <message>
        <source>prio writes</source>
        <translation>Prio-Schreibvorgänge</translation>
    </message>
    <message>
        <source>free[BTREE] empty</source>
        <translation>free[BTREE] leer</translation>
    </message>
    <message>
        <source>free[PRIO] empty</source>
        <translation>free[PRIO] leer</translation>
    </message>
    <message>
        <source>free[MOVINGGC] empty</source>
        <translation>free[MOVINGGC] leer</translation>
    </message>
    <message>
        <source>free[NONE] empty</source>
        <translation>free[NONE] leer</translation>
    </message>
</context>
<context>
    <name>bucketscope::StallTimeline</name>
    <message>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>engine time (s)</source>
        <translation>Engine-Zeit (s)</translation>
    </message>
    <message>
        <source>Keep the newest %1 s of engine time in view</source>
        <translation>Die neuesten %1 s Engine-Zeit im Blick behalten</translation>
    </message>
    <message>
        <source>Save as PNG…</source>
        <translation>Als PNG speichern…</translation>
    </message>
    <message>
        <source>Save stall timeline</source>
        <translation>Zeitleiste der Wartezeiten speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>bucket_alloc: %1 waits, %2 ms asleep · GC: %3 runs, %4 ms · prio writes: %5 · invalidation batches: %6</source>
        <translation>bucket_alloc: %1 Wartevorgänge, %2 ms geschlafen · GC: %3 Läufe, %4 ms · Prio-Schreibvorgänge: %5 · Invalidierungsstapel: %6</translation>
    </message>
</context>
<context>
    <name>bucketscope::TraceForm</name>
    <message>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>get request</source>
        <translation>Request geholt</translation>
    </message>
    <message>
        <source>inserted</source>
        <translation>eingefügt</translation>
    </message>
    <message>
        <source>issued</source>
        <translation>ausgegeben</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>Skip malformed records (count them)</source>
        <translation>Fehlerhafte Datensätze überspringen (und zählen)</translation>
    </message>
    <message>
        <source>The csv file starts with a header line</source>
        <translation>Die csv-Datei beginnt mit einer Kopfzeile</translation>
    </message>
    <message>
        <source>Object ids are numbers</source>
        <translation>Objekt-IDs sind Zahlen</translation>
    </message>
    <message>
        <source>trace file (plain or .zst)</source>
        <translation>Trace-Datei (unkomprimiert oder .zst)</translation>
    </message>
    <message>
        <source>blkparse text, fio iolog v2/v3, MSR Cambridge CSV, libCacheSim csv or oracleGeneral (--format)</source>
        <translation>blkparse-Text, fio-iolog v2/v3, MSR-Cambridge-CSV, libCacheSim-csv oder oracleGeneral (--format)</translation>
    </message>
    <message>
        <source>whole trace</source>
        <translation>ganzer Trace</translation>
    </message>
    <message>
        <source>one per process</source>
        <translation>einer pro Prozess</translation>
    </message>
    <message>
        <source>Fold the trace&apos;s process ids onto this many write points (--write-points)</source>
        <translation>Die Prozess-IDs des Traces auf so viele Write Points abbilden (--write-points)</translation>
    </message>
    <message>
        <source>csv: the 1-based columns of time, object id, object size and operation (0: none), as the CLI&apos;s --csv-time-col, --csv-id-col, --csv-size-col and --csv-op-col</source>
        <translation>csv: die Spalten (ab 1 gezählt) für Zeit, Objekt-ID, Objektgröße und Operation (0: keine), wie --csv-time-col, --csv-id-col, --csv-size-col und --csv-op-col der CLI</translation>
    </message>
    <message>
        <source>Off: the first line is a record (--csv-no-header)</source>
        <translation>Aus: Die erste Zeile ist ein Datensatz (--csv-no-header)</translation>
    </message>
    <message>
        <source>csv: the field delimiter, one character or tab or space (--csv-delimiter)</source>
        <translation>csv: das Feldtrennzeichen, ein Zeichen oder tab oder space (--csv-delimiter)</translation>
    </message>
    <message>
        <source>Off: ids are names, each hashed to an object (--csv-string-ids)</source>
        <translation>Aus: IDs sind Namen, jeder per Hash einem Objekt zugeordnet (--csv-string-ids)</translation>
    </message>
    <message>
        <source>csv: the unit of the time column (--csv-time-unit)</source>
        <translation>csv: die Einheit der Zeitspalte (--csv-time-unit)</translation>
    </message>
    <message>
        <source>Size of objects whose records carry none, such as 512K or 4M (--object-size)</source>
        <translation>Größe von Objekten, deren Datensätze keine angeben, etwa 512K oder 4M (--object-size)</translation>
    </message>
    <message>
        <source>blkparse: which action&apos;s lines are requests (--blkparse-action)</source>
        <translation>blkparse: die Zeilen welcher Aktion Anfragen sind (--blkparse-action)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Write points</source>
        <translation>Write Points</translation>
    </message>
    <message>
        <source>blkparse action</source>
        <translation>blkparse-Aktion</translation>
    </message>
    <message>
        <source>Object size</source>
        <translation>Objektgröße</translation>
    </message>
    <message>
        <source>CSV columns</source>
        <translation>CSV-Spalten</translation>
    </message>
    <message>
        <source>CSV delimiter</source>
        <translation>CSV-Trennzeichen</translation>
    </message>
    <message>
        <source>CSV time unit</source>
        <translation>CSV-Zeiteinheit</translation>
    </message>
    <message>
        <source>Open trace</source>
        <translation>Trace öffnen</translation>
    </message>
    <message>
        <source>Traces (*);;zstd (*.zst)</source>
        <translation>Traces (*);;zstd (*.zst)</translation>
    </message>
    <message>
        <source>Object size: expected a size such as 512K or 4M, found &quot;%1&quot;</source>
        <translation>Objektgröße: eine Größe wie 512K oder 4M erwartet, gefunden „%1“</translation>
    </message>
    <message>
        <source>CSV columns: expected four numbers such as 1,2,3,0, found &quot;%1&quot;</source>
        <translation>CSV-Spalten: vier Zahlen wie 1,2,3,0 erwartet, gefunden „%1“</translation>
    </message>
    <message>
        <source>CSV delimiter: expected one character, tab or space, found &quot;%1&quot;</source>
        <translation>CSV-Trennzeichen: ein Zeichen, tab oder space erwartet, gefunden „%1“</translation>
    </message>
</context>
<context>
    <name>bucketscope::WorkloadPanel</name>
    <message>
        <source>Apply (restarts the engine)</source>
        <translation>Übernehmen (startet die Engine neu)</translation>
    </message>
    <message>
        <source>Built-in write generator</source>
        <translation>Eingebauter Schreibgenerator</translation>
    </message>
    <message>
        <source>Trace file…</source>
        <translation>Trace-Datei…</translation>
    </message>
    <message>
        <source>Generator spec (zipf, hotcold, scan…)</source>
        <translation>Generator-Angabe (zipf, hotcold, scan…)</translation>
    </message>
    <message>
        <source>Writer processes, each with its own write point and seeded generator</source>
        <translation>Schreibende Prozesse, jeder mit eigenem Write Point und eigenem Generator mit Startwert</translation>
    </message>
    <message>
        <source>Processes writing to a flash-only volume; the others write to a cached backing device, whose requests rescale prios</source>
        <translation>Prozesse, die auf ein reines Flash-Volume schreiben; die anderen schreiben auf ein zwischengespeichertes Backing-Gerät, dessen Anfragen die Prios neu skalieren</translation>
    </message>
    <message>
        <source>Requests that are reads</source>
        <translation>Anfragen, die Lesevorgänge sind</translation>
    </message>
    <message>
        <source>Writes that continue where the process left off</source>
        <translation>Schreibvorgänge, die dort weitermachen, wo der Prozess aufgehört hat</translation>
    </message>
    <message>
        <source> KiB</source>
        <translation> KiB</translation>
    </message>
    <message>
        <source>Writes are 1 block up to this size, in whole blocks</source>
        <translation>Schreibvorgänge umfassen 1 Block bis zu dieser Größe, in ganzen Blöcken</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Flash-only processes</source>
        <translation>Reine Flash-Prozesse</translation>
    </message>
    <message>
        <source>Reads</source>
        <translation>Lesevorgänge</translation>
    </message>
    <message>
        <source>Sequential writes</source>
        <translation>Sequenzielle Schreibvorgänge</translation>
    </message>
    <message>
        <source>Largest write</source>
        <translation>Größter Schreibvorgang</translation>
    </message>
    <message>
        <source>The request path&apos;s cache_mode, as in sysfs: writes go to the cache and the backing device (writethrough), to the cache first (writeback), or around the cache (writearound)</source>
        <translation>cache_mode des Anfragepfads wie in sysfs: Schreibvorgänge gehen in den Cache und auf das Backing-Gerät (writethrough), zuerst in den Cache (writeback) oder am Cache vorbei (writearound)</translation>
    </message>
    <message>
        <source> requests/s</source>
        <translation> Anfragen/s</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>At most this many requests per second of wall time; applies at once</source>
        <translation>Höchstens so viele Anfragen pro Sekunde Echtzeit; gilt sofort</translation>
    </message>
    <message>
        <source>Applying starts a new engine with the same geometry, policy and seed (or reopens the device it runs on); the history so far is discarded.</source>
        <translation>Übernehmen startet eine neue Engine mit derselben Geometrie, Strategie und demselben Startwert (oder öffnet das Gerät, auf dem sie läuft, neu); der bisherige Verlauf wird verworfen.</translation>
    </message>
    <message>
        <source>%p % of the workload</source>
        <translation>%p % der Last</translation>
    </message>
    <message>
        <source>Cache mode</source>
        <translation>Cache-Modus</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>zipf: a skewed hot set; uniform: every block alike; seq: each process streams; hotcold: a hot part of the span takes most requests; scan: a Zipf hot set polluted by cold sequential scans</source>
        <translation>zipf: eine schiefe heiße Menge; uniform: jeder Block gleich; seq: jeder Prozess liest oder schreibt fortlaufend; hotcold: ein heißer Teil des Bereichs erhält die meisten Anfragen; scan: eine Zipf-verteilte heiße Menge, gestört durch kalte sequenzielle Durchläufe</translation>
    </message>
    <message>
        <source>The kind&apos;s own keys, comma-separated (alpha, hot, hotfrac, every, scanlen)</source>
        <translation>Die eigenen Schlüssel der Art, durch Kommas getrennt (alpha, hot, hotfrac, every, scanlen)</translation>
    </message>
    <message>
        <source>Address space of the backing device (K, M, G, T)</source>
        <translation>Adressraum des Backing-Geräts (K, M, G, T)</translation>
    </message>
    <message>
        <source>Request size: fixed (4K), uniform (4K-64K) or weighted (4K:70/64K:30)</source>
        <translation>Anfragegröße: fest (4K), gleichverteilt (4K-64K) oder gewichtet (4K:70/64K:30)</translation>
    </message>
    <message>
        <source>endless</source>
        <translation>endlos</translation>
    </message>
    <message>
        <source>The workload ends after this many requests</source>
        <translation>Die Last endet nach so vielen Anfragen</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Span</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>Request sizes</source>
        <translation>Anfragegrößen</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Spec: %1</source>
        <translation>Angabe: %1</translation>
    </message>
    <message>
        <source>Spec %1: %2</source>
        <translation>Angabe %1: %2</translation>
    </message>
    <message>
        <source>Choose a trace file first.</source>
        <translation>Wählen Sie zuerst eine Trace-Datei.</translation>
    </message>
    <message>
        <source>Reading %1 was cancelled; the engine runs on as it was.</source>
        <translation>Das Lesen von %1 wurde abgebrochen; die Engine läuft unverändert weiter.</translation>
    </message>
    <message>
        <source>The trace cannot be replayed: %1</source>
        <translation>Der Trace kann nicht wiedergegeben werden: %1</translation>
    </message>
    <message>
        <source>%1: %2 requests</source>
        <translation>%1: %2 Anfragen</translation>
    </message>
    <message>
        <source>%1 malformed records skipped, the first: %2</source>
        <translation>%1 fehlerhafte Datensätze übersprungen, der erste: %2</translation>
    </message>
    <message>
        <source>Load trace</source>
        <translation>Trace laden</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen…</translation>
    </message>
    <message>
        <source>The workload stopped: %1</source>
        <translation>Die Last wurde angehalten: %1</translation>
    </message>
</context>
<context>
    <name>bucketscope::WriteConfirmation</name>
    <message>
        <source>Write to %1?</source>
        <translation>Auf %1 schreiben?</translation>
    </message>
    <message>
        <source>bucketscope is about to write to &lt;b&gt;%1&lt;/b&gt;: %2. Whatever the target holds there is lost.</source>
        <translation>bucketscope wird gleich auf &lt;b&gt;%1&lt;/b&gt; schreiben: %2. Was das Ziel dort enthält, geht verloren.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The safety probe refuses this target:&lt;/b&gt;</source>
        <translation>&lt;b&gt;Die Sicherheitsprüfung lehnt dieses Ziel ab:&lt;/b&gt;</translation>
    </message>
    <message>
        <source>It also found:</source>
        <translation>Außerdem gefunden:</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <source>Write anyway</source>
        <translation>Trotzdem schreiben</translation>
    </message>
    <message>
        <source>I have read the above and want to write anyway (--force)</source>
        <translation>Ich habe das gelesen und möchte trotzdem schreiben (--force)</translation>
    </message>
</context>
</TS>
