-- The dispatcher's claim pass reads the notices by step (V19): who-took-it (-2), other causes (-1),
-- then the policy's steps (0 and up). A page with any other step would never be read: refused here.
ALTER TABLE pages ADD CONSTRAINT pages_step_known CHECK (step_no >= -2);
