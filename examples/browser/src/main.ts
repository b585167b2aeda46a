/*
 * The browser example: sign in, drop files on Uppy's Dashboard, see them listed, download or
 * delete them. Served from an origin of its own (`npm run dev`: http://localhost:3001), it calls
 * the API (CORS: API_CORS_ORIGINS) and uploads straight to the bucket (CORS: STORAGE_CORS_ORIGINS).
 */
import type Uppy from '@uppy/core';

import { Api, type ApiFile } from './api.js';
import { createUploader } from './uploader.js';

const TOKEN_KEY = 'r2-files-example-token';

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const signIn = element<HTMLElement>('signin');
const workspace = element<HTMLElement>('workspace');
const authForm = element<HTMLFormElement>('auth-form');
const authError = element<HTMLElement>('auth-error');
const filesError = element<HTMLElement>('files-error');
const filesBody = element<HTMLTableSectionElement>('files');

/** A line in the page's log: what happened, for the user (and for the tests that read it). */
function log(message: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  element('log').prepend(item);
}

const { apiUrl } = (await (await fetch('config.json')).json()) as { apiUrl: string };
const api = new Api(apiUrl, sessionStorage.getItem(TOKEN_KEY));
let uppy: Uppy | undefined;

async function showFiles(): Promise<void> {
  filesError.textContent = '';
  let files: ApiFile[];
  try {
    files = await api.listFiles();
  } catch (error) {
    filesError.textContent = `Could not list your files: ${(error as Error).message}`;
    return;
  }
  filesBody.replaceChildren(...files.map(fileRow));
}

function fileRow(file: ApiFile): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.fileName = file.fileName;
  const cell = (text: string) => Object.assign(document.createElement('td'), { textContent: text });
  const button = (text: string, action: () => Promise<void>) => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
    b.addEventListener('click', () => void action().catch((error: Error) => (filesError.textContent = error.message)));
    return b;
  };
  const actions = document.createElement('td');
  actions.append(
    button('Download', async () => {
      // A presigned GET that answers Content-Disposition: attachment with the original name.
      const link = Object.assign(document.createElement('a'), { href: await api.downloadUrl(file.id) });
      link.click();
      log(`downloading ${file.fileName}`);
    }),
    button('Delete', async () => {
      await api.deleteFile(file.id);
      log(`deleted ${file.fileName}`);
      await showFiles();
    }),
  );
  row.append(cell(file.fileName), cell(file.contentType), cell(`${file.size.toLocaleString('en')} B`), actions);
  return row;
}

async function enterWorkspace(): Promise<void> {
  const me = await api.me();
  element('who').textContent = me.email;
  signIn.hidden = true;
  workspace.hidden = false;
  uppy ??= createUploader(element('uploader'), api, {
    onSaved: (name) => {
      log(`saved ${name}`);
      void showFiles();
    },
    onError: (message) => log(`upload failed: ${message}`),
  });
  await showFiles();
}

authForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const field = (name: string) => (authForm.elements.namedItem(name) as HTMLInputElement).value;
  const action = (event.submitter as HTMLButtonElement | null)?.value === 'register' ? 'register' : 'login';
  authError.textContent = '';
  void api
    .signIn(action, field('email'), field('password'))
    .then((token) => {
      sessionStorage.setItem(TOKEN_KEY, token);
      return enterWorkspace();
    })
    .catch((error: Error) => (authError.textContent = error.message));
});

element('signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  api.signOut();
  uppy?.cancelAll();
  workspace.hidden = true;
  signIn.hidden = false;
});

if (api.signedIn) await enterWorkspace().catch(() => sessionStorage.removeItem(TOKEN_KEY));
