import type { Command } from '../../command.js';
import { personsKeyGenerateCommand } from './persons-key-generate.js';
import { personsRekeyCommand } from './persons-rekey.js';

/** `credfed persons …` commands: natural persons' keys. */
export const personsCommands: readonly Command[] = [personsKeyGenerateCommand, personsRekeyCommand];
