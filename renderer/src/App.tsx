import { memo, useCallback, useEffect, useState } from 'react';
import type { EngineStatus, Settings, TranscriptDTO } from '../../contract/contract.ts';
import { errorText, getApi, useAppEvent } from './api.ts';
import { useRecorder } from './audio/use-recorder.ts';
import { timelineStore } from './inspect/timeline-store.ts';
import { EngineBanner } from './components/EngineBanner.tsx';
import { FilesPanel } from './components/FilesPanel.tsx';
import { InspectPanel } from './components/InspectPanel.tsx';
import { LibraryPanel } from './components/LibraryPanel.tsx';
import { RecordPanel } from './components/RecordPanel.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { TabBar, type TabId } from './components/TabBar.tsx';
import { VoicePanel } from './components/VoicePanel.tsx';
import { trainingStore } from './finetune/training-store.ts';
import { dispatchShortcut } from './shortcut-events.ts';
import { shortcutFor } from './shortcuts.ts';

// The panels re-render only when their own props change: the recorder updates App many times a
// second while recording, and re-rendering every hidden panel with it starved the live view.
const MemoInspectPanel = memo(InspectPanel);
const MemoFilesPanel = memo(FilesPanel);
const MemoLibraryPanel = memo(LibraryPanel);
const MemoVoicePanel = memo(VoicePanel);
const MemoSettingsPanel = memo(SettingsPanel);

/** True when a key press should go to the focused field rather than the shortcut. */
function typingInto(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

/** The window: tabs, the engine banner, the six panels (kept mounted so state survives) and the status bar. */
export function App() {
  const [tab, setTab] = useState<TabId>('record');
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [libraryId, setLibraryId] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const recorder = useRecorder();

  useEffect(() => {
    const api = getApi();
    api.getStatus().then(setStatus, (error) => setLoadError(errorText(error)));
    api.getSettings().then(setSettings, (error) => setLoadError(errorText(error)));
  }, []);
  useAppEvent((event) => {
    if (event.type === 'status') setStatus(event.status);
    // Training progress is collected whichever tab is open.
    else if (event.type === 'train-progress' || event.type === 'train-gradients') trainingStore.handle(event);
  });

  const toggleRecording = useCallback(() => {
    if (recorder.state === 'recording') void recorder.stop();
    else if (recorder.state === 'idle') void recorder.start(settings?.microphoneId ?? '');
  }, [recorder, settings?.microphoneId]);

  // Keyboard shortcuts (renderer/src/shortcuts.ts): R / S for recording (not in Your voice, which
  // records prompts with its own button and must not open a second microphone session),
  // Ctrl/⌘ + O, E and 1–6.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, repeat: event.repeat, typing: typingInto(event.target) });
      if (!action) return;
      if (action.kind === 'toggle-record' || action.kind === 'stop-record') {
        if (tab === 'voice') return;
        if (action.kind === 'stop-record' && recorder.state !== 'recording') return;
        event.preventDefault();
        toggleRecording();
        return;
      }
      event.preventDefault();
      if (action.kind === 'tab') setTab(action.tab);
      else if (action.kind === 'open-file') {
        setTab('files');
        dispatchShortcut(action);
      } else dispatchShortcut(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggleRecording, tab, recorder.state]);

  const changeMicrophone = (microphoneId: string) => {
    if (!settings) return;
    const next = { ...settings, microphoneId };
    setSettings(next);
    getApi().setSettings(next).then(setSettings, (error) => setLoadError(errorText(error)));
  };

  const activateModel = useCallback(async (activeModelId: string) => {
    const current = settings ?? (await getApi().getSettings());
    setSettings(await getApi().setSettings({ ...current, activeModelId }));
  }, [settings]);

  const openTranscript = useCallback((id: string) => {
    setLibraryId(id);
    setTab('library');
  }, []);

  const lookInside = useCallback(async (transcript: TranscriptDTO) => {
    setTab('inspect');
    try {
      const api = getApi();
      const [inspection, pcm] = await Promise.all([api.inspectTranscript(transcript.id), api.getAudio(transcript.id)]);
      timelineStore.show(transcript.title, inspection, pcm);
    } catch (error) {
      setLoadError(`Could not inspect “${transcript.title}”: ${errorText(error)}`);
    }
  }, []);

  return (
    <div className="app">
      <TabBar active={tab} onSelect={setTab} recording={recorder.state === 'recording'} />
      <EngineBanner status={status} />
      {loadError ? <div className="banner warning" role="alert">{loadError} <button type="button" className="link" onClick={() => setLoadError(null)}>dismiss</button></div> : null}
      <main>
        <div hidden={tab !== 'record'}>
          <RecordPanel recorder={recorder} microphoneId={settings?.microphoneId ?? ''} onMicrophoneChange={changeMicrophone} onToggle={toggleRecording} onLookInside={() => setTab('inspect')} />
        </div>
        <div hidden={tab !== 'inspect'}>
          <MemoInspectPanel visible={tab === 'inspect'} />
        </div>
        <div hidden={tab !== 'files'}>
          <MemoFilesPanel onOpenTranscript={openTranscript} />
        </div>
        <div hidden={tab !== 'library'}>
          <MemoLibraryPanel selectedId={libraryId} onSelect={setLibraryId} onLookInside={lookInside} />
        </div>
        <div hidden={tab !== 'voice'}>
          <MemoVoicePanel microphoneId={settings?.microphoneId ?? ''} activeModelId={settings?.activeModelId ?? ''} onActivate={activateModel} />
        </div>
        <div hidden={tab !== 'settings'}>
          <MemoSettingsPanel settings={settings} status={status} onSaved={setSettings} />
        </div>
      </main>
      <StatusBar status={status} />
    </div>
  );
}
