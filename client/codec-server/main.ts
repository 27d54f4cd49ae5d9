// Process entry point of the codec server the Temporal Web UI and CLI decode payloads with:
// `tsx client/codec-server/main.ts` (npm run codec-server), configured by CAPSTAN_CODEC_KEYS,
// CAPSTAN_CODEC_ACTIVE_KEY, CAPSTAN_CODEC_SERVER_TOKEN, CAPSTAN_CODEC_SERVER_ADDRESS and
// CAPSTAN_CODEC_SERVER_ORIGINS (runtime/codec/codec-server-from-env.ts).
import { startCodecServerFromEnv } from '../../runtime/codec/codec-server-from-env.ts';

async function main(): Promise<void> {
  const server = await startCodecServerFromEnv();
  console.error(`capstan codec server on ${server.url} (POST /encode, /decode)`);
  await new Promise<void>((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
  await server.close();
}

main().catch((error: unknown) => {
  console.error(`capstan codec server failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
