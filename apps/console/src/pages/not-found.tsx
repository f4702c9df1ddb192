import { Link } from '@tanstack/react-router';
import { text } from '../text';

export function NotFoundPage() {
  return (
    <main id="main" className="centered">
      <div className="card narrow">
        <h1>{text.notFound.title}</h1>
        <p>
          <Link to="/">{text.notFound.back}</Link>
        </p>
      </div>
    </main>
  );
}
