import { adminText } from './admin';
import { assignmentText } from './assignment';
import { calendarText } from './calendar';
import { commonText } from './common';
import { listText } from './list';
import { queueText } from './queue';
import { reportText } from './report';

/**
 * Every word the console shows, in Norwegian bokmål with the firm's own words (oppdrag,
 * befaring, takstmann, tilstandsgrad, fagansvarlig): this folder is the one place to read,
 * correct and translate them, a file per area.
 */
export const text = {
  ...commonText,
  queue: queueText,
  list: listText,
  calendar: calendarText,
  admin: adminText,
  assignment: assignmentText,
  report: reportText,
} as const;
