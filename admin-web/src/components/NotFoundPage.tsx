import { Link, PageHeading } from '../router';
import { strings } from '../strings';

export function NotFoundPage() {
  const t = strings.notFound;
  return (
    <>
      <PageHeading title={strings.documentTitle(t.title)}>{t.title}</PageHeading>
      <p>{t.body}</p>
      <p>
        <Link to={{ name: 'locations' }}>{t.back}</Link>
      </p>
    </>
  );
}
