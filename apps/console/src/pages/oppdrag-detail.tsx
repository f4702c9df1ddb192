import type { Assignment } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { trpc } from '../api';
import { text } from '../text';
import { ErrorMessage, Loading } from '../ui/feedback';
import { formatDate, StatusBadge } from '../ui/format';
import { AppraiserSection } from './oppdrag-appraiser';
import { AuditSection, ExternalRefsSection, TimelineSection } from './oppdrag-history';
import { InspectionsSection } from './oppdrag-inspections';
import { NotesSection } from './oppdrag-notes';
import { StatusMoves } from './oppdrag-status';
import './oppdrag.css';

const route = getRouteApi('/signed-in/oppdrag/$id');
const words = text.assignment;

function PropertyAndParties({ assignment }: { assignment: Assignment }) {
  const { property } = assignment;
  const parties = [
    [words.parties.client, assignment.client],
    [words.parties.payer, assignment.payer],
    [words.parties.broker, assignment.broker],
  ] as const;
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="property-title">
        <h2 id="property-title">{words.property.title}</h2>
        <p>
          {property.address.street}
          {property.address.unitNumber ? `, ${words.property.unit.toLowerCase()} ${property.address.unitNumber}` : ''}
          <br />
          {property.address.postalCode} {property.address.city}
        </p>
        {property.cadastre ? (
          <p className="small">
            {words.property.cadastre}: {property.cadastre.municipality}-{property.cadastre.gnr}/{property.cadastre.bnr}
            {property.cadastre.fnr ? `/${property.cadastre.fnr}` : ''}
            {property.cadastre.snr ? `/${property.cadastre.snr}` : ''}
          </p>
        ) : null}
        {property.share ? (
          <p className="small">
            {words.property.share}: {property.share.organizationNumber} nr. {property.share.shareNumber}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="parties-title">
        <h2 id="parties-title">{words.parties.title}</h2>
        <dl className="facts">
          {parties.map(([label, party]) =>
            party ? (
              <div key={label}>
                <dt>{label}</dt>
                <dd>
                  {party.name}
                  {party.email ? <span className="small muted"> · {party.email}</span> : null}
                  {party.phone ? <span className="small muted"> · {party.phone}</span> : null}
                </dd>
              </div>
            ) : null,
          )}
        </dl>
      </section>
    </div>
  );
}

export function AssignmentPage() {
  const { id } = route.useParams();
  const assignment = useQuery(trpc.assignments.get.queryOptions({ id }));
  if (assignment.isPending) return <Loading />;
  if (assignment.isError) return <ErrorMessage error={assignment.error} />;
  const current = assignment.data;
  return (
    <article className="assignment-page">
      <header className="assignment-head">
        <h1>
          {text.nav.assignments} {current.reference}
        </h1>
        <p>
          <StatusBadge status={current.status} /> · {text.list.types[current.type]} · {words.due}:{' '}
          {formatDate(current.dueDate)}
        </p>
        <Link to="/oppdrag/$id/rapport" params={{ id }} className="button">
          {words.openReport}
        </Link>
      </header>
      <PropertyAndParties assignment={current} />
      <div className="grid-2">
        <StatusMoves assignment={current} />
        <AppraiserSection assignment={current} />
      </div>
      <InspectionsSection assignment={current} />
      <div className="grid-2">
        <NotesSection assignmentId={id} />
        <TimelineSection assignmentId={id} />
      </div>
      <ExternalRefsSection assignmentId={id} />
      <AuditSection assignmentId={id} />
    </article>
  );
}
