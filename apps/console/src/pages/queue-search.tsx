import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useId, useState } from 'react';
import { text } from '../text';
import { searchTextOf } from './list-search';

/** Support's way in: a customer on the phone names an address, and the list opens on it. */
export function QueueSearch() {
  const headingId = useId();
  const inputId = useId();
  const hintId = useId();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = searchTextOf(typed);
    setTooShort(q === undefined);
    if (q !== undefined) void navigate({ to: '/oppdrag', search: { q } });
  };
  return (
    <search className="queue-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{text.queue.search.title}</h2>
      <form className="queue-search" onSubmit={submit}>
        <label htmlFor={inputId}>{text.queue.search.label}</label>
        <div className="row">
          <input
            id={inputId}
            type="search"
            value={typed}
            autoComplete="off"
            aria-describedby={tooShort ? hintId : undefined}
            aria-invalid={tooShort || undefined}
            onChange={(event) => setTyped(event.target.value)}
          />
          <button type="submit">{text.queue.search.submit}</button>
        </div>
        {tooShort ? (
          <p id={hintId} className="queue-invalid small" role="alert">
            {text.queue.search.tooShort}
          </p>
        ) : null}
      </form>
    </search>
  );
}
