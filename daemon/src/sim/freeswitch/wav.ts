// A real, valid RIFF/WAVE file of silence: 8 kHz, 16-bit, mono PCM.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const WAV_RATE = 8000;

export function silenceWav(ms: number): Buffer {
  const samples = Math.max(1, Math.round((WAV_RATE * ms) / 1000));
  const dataBytes = samples * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(WAV_RATE, 24);
  b.writeUInt32LE(WAV_RATE * 2, 28); // byte rate
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

/** Writes the file (creating its directory); returns { bytes, samples }. */
export function writeSilenceWav(path: string, ms: number): { bytes: number; samples: number } {
  const wav = silenceWav(ms);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, wav);
  return { bytes: wav.length, samples: (wav.length - 44) / 2 };
}
