// Customer: its projects (GET /v1/projects) and a form to add one (POST /v1/projects).
// The pattern of most list pages: a create form, then a PagedList reloaded after each write.
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

export interface Project {
  id: string;
  name: string;
  status: 'active' | 'archived';
  createdAt: string;
}

export function ProjectsPage() {
  usePageTitle('Projects');
  const [reload, setReload] = useState(0);

  return (
    <>
      <h1>Projects</h1>
      <section aria-labelledby="new-project">
        <h2 id="new-project">New project</h2>
        <ApiForm
          label="New project"
          submitLabel="Create project"
          resetOnSuccess
          onSubmit={(values) => api.post<Project>('/v1/projects', { name: values.name })}
          onSuccess={() => setReload((n) => n + 1)}
        >
          <Field name="name" label="Name" required />
        </ApiForm>
      </section>
      <section aria-labelledby="project-list">
        <h2 id="project-list">Your projects</h2>
        <PagedList<Project>
          path="/v1/projects"
          caption="Projects"
          reloadKey={reload}
          rowKey={(p) => p.id}
          empty="No projects yet: create one above."
          columns={[
            { header: 'Name', cell: (p) => p.name },
            { header: 'Status', cell: (p) => p.status },
            { header: 'Created', cell: (p) => new Date(p.createdAt).toLocaleString() },
          ]}
        />
      </section>
    </>
  );
}
