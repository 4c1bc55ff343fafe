import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createServices } from './app/compose';
import { ServicesContext } from './app/services';
import { createClient } from './client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// One client and one set of services for the window's lifetime, handed down through the context.
const services = createServices(createClient());
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
