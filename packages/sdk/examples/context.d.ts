// What the examples take as given: a client made as in create-client.ts, and the parts of your
// own program they call.
import type { RouterInputs, TakstClient, TakstEvent } from '@takst/sdk';

declare global {
  const takst: TakstClient;
  const id: string;
  const assignmentId: string;
  const input: RouterInputs['assignments']['create'];
  const row: { number: number };
  const email: string;
  const baseUrl: string;
  const apiKey: string;
  const astridUserId: string;
  const password: string;
  function currentToken(): Promise<string>;
  function loadPosition(): Promise<number>;
  function savePosition(sequence: number): Promise<void>;
  function handle(event: TakstEvent): Promise<void>;
}
