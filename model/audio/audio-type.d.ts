// audio-type ships no types: its default export names the format of a file's first bytes
// ('wav', 'mp3', 'm4a', 'aiff', …) or returns undefined when it does not recognise them.
declare module 'audio-type' {
  export default function audioType(bytes: Uint8Array | ArrayBuffer): string | undefined;
}
