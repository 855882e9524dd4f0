import { InitialSchema1732450000000 } from './1732450000000-initial-schema.js';
import { Timers1732460000000 } from './1732460000000-timers.js';
import { TimersBySubject1732475000000 } from './1732475000000-timers-by-subject.js';

/** Every committed migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const PROJECTION_MIGRATIONS = [InitialSchema1732450000000, Timers1732460000000, TimersBySubject1732475000000];
