import { TABS, type TabId } from '../tabs.ts';

export { TABS, type TabId };

/** The panel switcher. */
export function TabBar({ active, onSelect, recording }: { active: TabId; onSelect(tab: TabId): void; recording: boolean }) {
  return (
    <nav className="tab-bar" role="tablist">
      <span className="brand">CellScribe</span>
      {TABS.map((tab) => (
        <button key={tab.id} type="button" role="tab" aria-selected={tab.id === active} data-testid={`tab-${tab.id}`} className={tab.id === active ? 'active' : ''} onClick={() => onSelect(tab.id)}>
          {tab.label}
          {tab.id === 'record' && recording ? <span className="live-dot"> ●</span> : null}
        </button>
      ))}
    </nav>
  );
}
