/**
 * The active model and the settings that choose it: which model the engine has loaded (after
 * every engine start, and whenever the settings change), why none is, and the status line the UI
 * shows. Settings are checked with the contract's schema and saved atomically (settings-store.ts).
 */
import type { EngineStatus, ModelInfo, Settings } from '../contract/contract.ts';
import type { EngineCall, EngineHost } from './engine/engine-host.ts';
import type { EngineStatusResult } from './engine/engine-protocol.ts';
import { scanModels } from './models-registry.ts';
import type { AppPaths } from './paths.ts';
import { checkSettings, defaultSettings, SettingsStore } from './settings-store.ts';

export class ActiveModel {
  private registry;
  private readonly store: SettingsStore;
  private current: Settings;
  private engineStatus: EngineStatusResult = { backend: null, backendNotes: [], model: null };
  private active: ModelInfo | null = null;
  private error: string | null = null;

  /** `call` reaches the engine; `onStatus` hears every change of the status (model, error). */
  constructor(
    private readonly paths: AppPaths,
    private readonly call: EngineCall,
    private readonly onStatus: () => void,
  ) {
    this.store = new SettingsStore(paths.settingsFile);
    this.registry = scanModels(paths.bundledModelDir, paths.modelsDir);
    this.current = this.store.load(defaultSettings(this.registry.models[0]?.info.id ?? ''));
  }

  get settings(): Settings {
    return this.current;
  }

  /** The loaded model, or null (then `status().modelError` says why). */
  get info(): ModelInfo | null {
    return this.active;
  }

  status(host: Pick<EngineHost, 'state' | 'restarts'>): EngineStatus {
    return {
      state: host.state,
      backend: this.engineStatus.backend,
      backendNotes: this.engineStatus.backendNotes,
      activeModel: this.active,
      modelError: this.error,
      restarts: host.restarts,
    };
  }

  /** After every engine (re)start: learn the backend, load the active model again. */
  async engineStarted(call: EngineCall): Promise<void> {
    this.engineStatus = await call('status');
    await this.load(call);
  }

  /** Loads settings.activeModelId (or the first model when that one is gone) into the engine. */
  async load(call: EngineCall = this.call): Promise<void> {
    this.registry = scanModels(this.paths.bundledModelDir, this.paths.modelsDir);
    const chosen = this.find(this.current.activeModelId) ?? this.registry.models[0];
    if (!chosen) {
      this.active = null;
      this.error = `No model is available: ${this.registry.problems.join('; ') || 'no models found'}. Train one or add it to ${this.paths.modelsDir}.`;
      return;
    }
    try {
      await call('loadModel', chosen.dir);
      this.active = chosen.info;
      this.error = null;
    } catch (error) {
      this.active = null;
      this.error = `Model "${chosen.info.name}" could not be loaded: ${(error as Error).message}`;
    }
  }

  /** The loaded model; throws with the reason when there is none. */
  require(): ModelInfo {
    if (!this.active) throw new Error(this.error ?? 'no model is loaded');
    return this.active;
  }

  list(): ModelInfo[] {
    this.registry = scanModels(this.paths.bundledModelDir, this.paths.modelsDir);
    return this.registry.models.map((m) => m.info);
  }

  /** New settings: checked, the model switched when it changed (kept as it was when that fails), saved. */
  async change(next: Settings): Promise<Settings> {
    const checked = checkSettings(next);
    this.registry = scanModels(this.paths.bundledModelDir, this.paths.modelsDir);
    if (checked.activeModelId !== '' && !this.find(checked.activeModelId)) {
      throw new Error(`unknown model id "${checked.activeModelId}" (available: ${this.registry.models.map((m) => m.info.id).join(', ') || 'none'})`);
    }
    if (checked.decoding.mode === 'custom' && checked.decoding.customVocabulary.trim() === '') {
      throw new Error('custom vocabulary mode needs at least one word or phrase (one per line)');
    }
    if (checked.decoding.mode === 'commands' && checked.decoding.customVocabulary.trim() === '') {
      throw new Error('commands mode needs at least one phrase (one per line)');
    }
    const modelChanged = checked.activeModelId !== this.current.activeModelId;
    const previous = this.current;
    this.current = checked;
    if (modelChanged) {
      await this.load();
      if (!this.active || this.active.id !== checked.activeModelId) {
        const reason = this.error;
        this.current = previous;
        await this.load();
        this.onStatus();
        throw new Error(reason ?? `model "${checked.activeModelId}" could not be loaded`);
      }
    }
    this.store.save(this.current);
    this.onStatus();
    return this.current;
  }

  /** Before a model disappears: when it is the active one, the settings move to `fallbackId` ('' for none). */
  leave(id: string, fallbackId: string): boolean {
    if (this.current.activeModelId !== id) return false;
    this.current = { ...this.current, activeModelId: fallbackId };
    this.store.save(this.current);
    return true;
  }

  /** A model was renamed: the status shows the new name. */
  renamed(info: ModelInfo): void {
    if (this.active?.id === info.id) this.active = info;
  }

  private find(id: string) {
    return this.registry.models.find((m) => m.info.id === id);
  }
}
