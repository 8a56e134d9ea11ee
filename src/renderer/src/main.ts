/** Renderer entry: mounts the app (Svelte 5). */
import { mount } from 'svelte';
import App from './App.svelte';
import { theme } from './lib/theme.svelte';

// Before the first paint: a dark system (or choice) never flashes light.
theme.start();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount into');

export default mount(App, { target });
