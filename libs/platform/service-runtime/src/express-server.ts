import { Express } from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/**
 * An HTTP server for an Express app whose requests and responses are built with the app's own
 * request and response prototypes. Express 5 otherwise swaps the prototype of every request and
 * response (`Object.setPrototypeOf` in `app.handle`); V8 then kept those objects alive through two
 * young-generation collections, so every request's objects reached the old generation: at 500
 * webhooks a second the gateway promoted about 8 MB/s, with a full collection every 4 to 6 s and
 * scavenges of 4 to 6 ms instead of about 2 ms (decision 0009). Built this way the prototype
 * Express sets is already there, and the swap changes nothing.
 *
 * Plain constructor functions, not classes: an instance of a class would have the class's
 * prototype, which Express would swap again.
 */
export function createExpressServer(app: Express): Server {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    Reflect.apply(IncomingMessage, this, [socket]);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: ServerResponse, request: IncomingMessage, options: unknown): void {
    Reflect.apply(ServerResponse, this, [request, options]);
  }
  ExpressResponse.prototype = app.response;
  return createServer(
    {
      IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
      ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}
