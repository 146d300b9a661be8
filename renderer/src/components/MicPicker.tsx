import { useEffect, useState } from 'react';
import { listMicrophones } from '../audio/capture.ts';

/** The microphone list ('' = the system default); labels fill in once access was granted. */
export function MicPicker({ value, onChange, refreshKey, disabled }: { value: string; onChange(deviceId: string): void; refreshKey: unknown; disabled: boolean }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let cancelled = false;
    const refresh = () => void listMicrophones().then((list) => !cancelled && setDevices(list)).catch(() => undefined);
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => {
      cancelled = true;
      navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
    };
  }, [refreshKey]);
  return (
    <label className="field">
      Microphone{' '}
      <select data-testid="mic-picker" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        <option value="">System default</option>
        {devices.filter((device) => device.deviceId && device.deviceId !== 'default').map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>{device.label || `Microphone ${index + 1}`}</option>
        ))}
      </select>
    </label>
  );
}
