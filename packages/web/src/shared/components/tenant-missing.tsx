import { Brand, Heading, Page } from './layout.js';

/** Shown when the address has no /t/{tenant}/ (the server only serves these pages under one). */
export function TenantMissing() {
  return (
    <Page>
      <Brand />
      <Heading>This address is not complete</Heading>
      <p class="lead">Sign-in pages live at /t/your-organisation/sign-in. Check the link you were given.</p>
    </Page>
  );
}
