import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { useWizard } from './state/wizard-store.js';
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
  (transport) => useWizard.getState().connect(transport),
  (error: Error) => useWizard.getState().failConnect(error.message),
);
