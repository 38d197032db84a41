/** A bare static page: what `npm run bench` holds the app's start-up to. */
export default function Page() {
  return <h1>A bare Next.js page</h1>
}
