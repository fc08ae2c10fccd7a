import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { client } from './state/client.js';
import { selectTransport } from './transport/select-transport.js';
import './styles.css';

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

selectTransport().then(
  (transport) => client.connect(transport),
  (error: Error) => client.failConnect(error.message),
);
