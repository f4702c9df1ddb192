import { useMe } from '../me';
import { text } from '../text';
import { StatusBoard } from './queue-board';
import { MyAssignments } from './queue-mine';
import { ReviewQueue } from './queue-review';
import { QueueSearch } from './queue-search';
import './queue-page.css';

/** The start page: a section for each role the person holds, and the status board for everyone. */
export function WorkQueuePage() {
  const { user, has } = useMe();
  const appraiserId = user?.appraiserId ?? null;
  return (
    <>
      <h1>{text.queue.title}</h1>
      {has('support', 'admin') ? <QueueSearch /> : null}
      {has('appraiser') ? <MyAssignments appraiserId={appraiserId} /> : null}
      {has('reviewer') ? <ReviewQueue ownAppraiserId={appraiserId} /> : null}
      <StatusBoard />
    </>
  );
}
