/** The home page's twin has the site's own frame (app/(site)/layout.tsx), not the signed-in twins'. */
export { default } from '@/app/(site)/layout'
