import { useEffect } from 'react';
import { LocationPage } from './components/LocationPage';
import { parseRoute } from './route';
import { strings } from './strings';

export function App() {
  const route = parseRoute(window.location.pathname, import.meta.env.BASE_URL);
  if (route.name === 'location') return <LocationPage slug={route.slug} />;
  if (route.name === 'badLink')
    return <Explainer title={strings.badSlug.title} body={strings.badSlug.body} />;
  return (
    <Explainer
      title={strings.noSlug.title}
      body={strings.noSlug.body}
      example={strings.noSlug.example(window.location.origin)}
    />
  );
}

function Explainer({ title, body, example }: { title: string; body: string; example?: string }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <main className="card">
      <h1>{title}</h1>
      <p>{body}</p>
      {example ? (
        <p>
          <code className="example">{example}</code>
        </p>
      ) : null}
    </main>
  );
}
